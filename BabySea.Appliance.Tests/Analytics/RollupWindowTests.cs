using BabySea.Appliance.Analytics;

namespace BabySea.Appliance.Tests.Analytics;

/// <summary>Which buckets a usage window reads: hours only where they are still kept.</summary>
public sealed class RollupWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 15, 30, 0, TimeSpan.Zero);

    [Fact]
    public void AWindowStartingWithinTwoDays_ReadsHoursUpToTheFirstMidnight_ThenDays()
    {
        var reads = new ReadLog();
        RollupBuckets.Covering(reads, "acc", Now.AddDays(-1), Now).ToArray();
        Assert.Equal([(RollupGrain.Hour, Now.AddDays(-1), new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)),
            (RollupGrain.Day, new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), Now)], reads.Reads);
    }

    [Fact]
    public void AWindowStartingFurtherBack_ReadsWholeDaysFromItsFirstMidnight()
    {
        var reads = new ReadLog();
        RollupBuckets.Covering(reads, "acc", Now.AddDays(-30), Now).ToArray();
        var midnight = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal([(RollupGrain.Day, midnight, Now)], reads.Reads);
        Assert.True(RollupGrains.HoursKeptFrom(Now) < Now - RollupGrains.HoursServed, "hours a window may read must outlive the sweep");
    }

    private sealed class ReadLog : IRollupStore
    {
        public List<(RollupGrain, DateTimeOffset, DateTimeOffset)> Reads { get; } = [];

        public IReadOnlyList<RollupBucket> Read(string accountId, RollupGrain grain, DateTimeOffset from, DateTimeOffset to)
        {
            Reads.Add((grain, from, to));
            return [];
        }

        public RollupBucket Total(string accountId) => RollupBucket.Empty;

        public IReadOnlyList<string> Recount(string accountId) => [];
    }
}
