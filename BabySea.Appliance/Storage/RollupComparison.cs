using BabySea.Appliance.Analytics;

namespace BabySea.Appliance.Storage;

/// <summary>
/// Compares an account's stored hour and day rollups with a recount of its rows (<c>verify --recount</c>), whichever engine
/// read them. Buckets are named <c>account|h|yyyyMMddHH</c> and <c>account|d|yyyyMMdd</c> in the report.
/// </summary>
internal static class RollupComparison
{
    /// <summary>
    /// Every hour and day bucket where <paramref name="stored"/> differs from <paramref name="recounted"/>. <paramref name="swept"/>
    /// says, for a key and a bucket, whether retention may have removed rows it counted (those rollups rightly count more)
    /// or the bucket itself.
    /// </summary>
    public static List<string> Mismatches(string accountId, IEnumerable<RollupDelta?> recounted, IEnumerable<(RollupGrain Grain, RollupBucket Bucket)> stored,
        Func<string, RollupGrain, DateTimeOffset, bool> swept)
    {
        var counted = new Dictionary<string, (RollupGrain Grain, RollupDelta Delta)>(StringComparer.Ordinal);
        foreach (var delta in recounted)
        {
            if (delta is null || delta.IsEmpty) continue;
            foreach (var grain in (RollupGrain[])[RollupGrain.Hour, RollupGrain.Day])
            {
                var start = RollupGrains.Start(grain, delta.At);
                var id = BucketId(accountId, grain, start);
                if (!counted.TryGetValue(id, out var target)) counted[id] = target = (grain, new RollupDelta(accountId, start));
                foreach (var (k, n) in delta.Counts) target.Delta.Count(k, n);
                foreach (var (k, v) in delta.Sums) target.Delta.Sum(k, v);
            }
        }
        var kept = stored.Where(s => s.Grain != RollupGrain.Total)
            .ToDictionary(s => BucketId(accountId, s.Grain, s.Bucket.Start), s => (s.Grain, s.Bucket), StringComparer.Ordinal);
        var mismatches = new List<string>();
        foreach (var id in counted.Keys.Union(kept.Keys).Order(StringComparer.Ordinal))
        {
            var bucket = kept.TryGetValue(id, out var k) ? k.Bucket : RollupBucket.Empty;
            var grain = counted.TryGetValue(id, out var c) ? c.Grain : k.Grain;
            var rows = c.Delta ?? new RollupDelta(accountId, bucket.Start);
            var start = c.Delta?.At ?? bucket.Start;
            foreach (var key in rows.Counts.Keys.Union(bucket.Counts.Keys).Where(key => !swept(key, grain, start)))
                if (rows.Counts.GetValueOrDefault(key) != bucket.Count(key))
                    mismatches.Add($"rollup {id}: {key} is {bucket.Count(key)} but the rows count {rows.Counts.GetValueOrDefault(key)}");
            foreach (var key in rows.Sums.Keys.Union(bucket.Sums.Keys).Where(key => !swept(key, grain, start)))
                if (rows.Sums.GetValueOrDefault(key) != bucket.Sum(key))
                    mismatches.Add($"rollup {id}: {key} is {bucket.Sum(key)} but the rows sum to {rows.Sums.GetValueOrDefault(key)}");
        }
        return mismatches;
    }

    /// <summary>
    /// Whether a key's bucket may differ from a recount for retention's sake: hour buckets older than those kept, and buckets
    /// up to a day past how far the key's rows were swept (a generation counts when created and again when it ends, up
    /// to a day later). <paramref name="sweptUntil"/> answers per retention category (MinValue: never swept).
    /// </summary>
    public static Func<string, RollupGrain, DateTimeOffset, bool> Swept(DateTimeOffset now, Func<string, DateTimeOffset> sweptUntil)
    {
        var generations = sweptUntil("generations");
        var until = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal)
        {
            ["req"] = sweptUntil("request_logs"), ["gen"] = generations, ["model"] = generations, ["prov"] = generations,
            ["cr"] = sweptUntil("ledger"), ["wh"] = sweptUntil("webhook_deliveries"),
        };
        var hours = RollupGrains.HoursKeptFrom(now);
        return (key, grain, start) => (grain == RollupGrain.Hour && start < hours)
            || (until.GetValueOrDefault(key[..key.IndexOf('|')]) is var u && u > DateTimeOffset.MinValue && start < u + TimeSpan.FromDays(1));
    }

    private static string BucketId(string accountId, RollupGrain grain, DateTimeOffset start)
        => grain == RollupGrain.Hour ? $"{accountId}|h|{start.UtcDateTime:yyyyMMddHH}" : $"{accountId}|d|{start.UtcDateTime:yyyyMMdd}";
}
