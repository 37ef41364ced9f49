using BabySea.Appliance.Analytics;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Where the generations list's walk down the "ak" index can begin for a deep offset, so that it does not step over every
/// newer key one by one (an index has no ranks: offset 10,000 otherwise reads 10,000 keys).
/// <para>
/// The day and hour rollups count each generation once, in the bucket of its creation time, which is also the time its id
/// carries (<see cref="TimeOrderedIds"/>); records are only ever removed by retention, and retention only removes records
/// older than its cutoff. So every bucket that starts at or after the latest cutoff counts exactly the records in its
/// span of the index, and whole buckets can be stepped over by their counts: whole days, then whole hours of the day the
/// offset lands in. What is left of the offset is walked, from the start of the last bucket stepped over.
/// </para>
/// </summary>
internal static class ListSeek
{
    /// <summary>Below this offset walking the keys costs less than reading buckets.</summary>
    public const int From = 1_000;

    private const string Created = "gen|created";
    private static readonly TimeSpan Window = TimeSpan.FromDays(31);

    /// <summary>
    /// The time below which the walk starts (null: from the newest) and how many keys it still skips there.
    /// <paramref name="created"/> is the account's all-time count, which ends the search; <paramref name="exactFrom"/> the
    /// latest retention cutoff of its generation records, below which buckets may count records that are gone.
    /// </summary>
    public static async Task<(DateTimeOffset? Before, int Skip)> FindAsync(IRollupStore rollups, string accountId, int offset, long created,
        DateTimeOffset exactFrom, DateTimeOffset now, CancellationToken ct)
    {
        DateTimeOffset? before = null;
        var skip = (long)offset;
        var stepped = 0L;
        // Reads a month of days at a time, on day boundaries so that no bucket is read twice; the first read reaches well past
        // now, so a record dated ahead of this clock is counted too.
        var (from, to) = (RollupGrains.Start(RollupGrain.Day, now) - Window, now.AddYears(1));
        while (stepped < created && to > DateTimeOffset.UnixEpoch)
        {
            foreach (var day in (await rollups.ReadAsync(accountId, RollupGrain.Day, from, to, ct)).Reverse())
            {
                if (day.Start < exactFrom) return (before, (int)skip);
                var count = day.Count(Created);
                if (count > skip) return await WithinDayAsync(rollups, accountId, day.Start, before, skip, ct);
                (skip, stepped, before) = (skip - count, stepped + count, day.Start);
            }
            (from, to) = (from - Window, from);
        }
        return (before, (int)skip);
    }

    /// <summary>
    /// Steps over the day's hours, newest first, while they hold no more than what is left to skip. Hour buckets are kept
    /// for less time than days, oldest first: when the older hours are gone, the walk covers them.
    /// </summary>
    private static async Task<(DateTimeOffset? Before, int Skip)> WithinDayAsync(IRollupStore rollups, string accountId, DateTimeOffset day,
        DateTimeOffset? before, long skip, CancellationToken ct)
    {
        foreach (var hour in (await rollups.ReadAsync(accountId, RollupGrain.Hour, day, day.AddDays(1), ct)).Reverse())
        {
            var count = hour.Count(Created);
            if (count > skip) break;
            (skip, before) = (skip - count, hour.Start);
        }
        return (before, (int)skip);
    }
}
