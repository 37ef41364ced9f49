using BabySea.Appliance.Analytics;

namespace BabySea.Appliance.Tests.Analytics;

/// <summary>Which buckets a usage window reads: hours only where they are still kept.</summary>
public sealed class RollupWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 15, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task AWindowStartingWithinTwoDays_ReadsHoursUpToTheFirstMidnight_ThenDays()
    {
        var reads = new ReadLog();
        await RollupBuckets.CoveringAsync(reads, "acc", Now.AddDays(-1), Now, CancellationToken.None);
        Assert.Equal([(RollupGrain.Hour, Now.AddDays(-1), new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)),
            (RollupGrain.Day, new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), Now)], reads.Reads);
    }

    [Fact]
    public async Task AWindowStartingFurtherBack_ReadsWholeDaysFromItsFirstMidnight()
    {
        var reads = new ReadLog();
        await RollupBuckets.CoveringAsync(reads, "acc", Now.AddDays(-30), Now, CancellationToken.None);
        var midnight = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal([(RollupGrain.Day, midnight, Now)], reads.Reads);
        Assert.True(RollupGrains.HoursKeptFrom(Now) < Now - RollupGrains.HoursServed, "hours a window may read must outlive the sweep");
    }

    private sealed class ReadLog : IRollupStore
    {
        public List<(RollupGrain, DateTimeOffset, DateTimeOffset)> Reads { get; } = [];

        public Task<IReadOnlyList<RollupBucket>> ReadAsync(string accountId, RollupGrain grain, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            Reads.Add((grain, from, to));
            return Task.FromResult<IReadOnlyList<RollupBucket>>([]);
        }

        public Task<RollupBucket> TotalAsync(string accountId, CancellationToken ct) => Task.FromResult(RollupBucket.Empty);

        public Task<IReadOnlyList<string>> RecountAsync(string accountId, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);
    }
}
