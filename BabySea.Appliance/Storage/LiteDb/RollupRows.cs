using BabySea.Appliance.Analytics;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Adds rollup deltas to the hour, day and all-time documents of their account. Always called inside the writer
/// transaction of the event counted, so a crash keeps both or neither. One document per account and bucket, its id
/// <c>account|h|yyyyMMddHH</c> (or <c>|d|yyyyMMdd</c>, <c>|t|</c>), so a period is one range of the primary key.
/// </summary>
internal static class RollupRows
{
    public static void Apply(LiteStore s, params RollupDelta?[] deltas) => Apply(s, (IEnumerable<RollupDelta?>)deltas);

    public static void Apply(LiteStore s, IEnumerable<RollupDelta?> deltas)
    {
        if (s.SeedingRollups is { } buffer) buffer.Add(deltas);
        // Inside the writer's transaction the deltas wait for its commit (WriteDeferred): every event of a group commit
        // counts into the same few bucket documents, which would otherwise be read and rewritten once per event.
        else if (s.DeferredRollups is { } deferred) deferred.AddRange(deltas.OfType<RollupDelta>());
        else Write(s, Merge(deltas));
    }

    /// <summary>Writes the deltas deferred in the writer's open transaction; the writer calls it just before committing.</summary>
    public static void WriteDeferred(LiteStore s)
    {
        if (s.DeferredRollups is not { Count: > 0 } deferred) return;
        Write(s, Merge(deferred));
        deferred.Clear();
    }

    public static void Write(LiteStore s, Dictionary<string, (string Account, RollupGrain Grain, DateTimeOffset Start, RollupDelta Delta)> merged)
    {
        var rollups = s.Collection(Schema.Rollups);
        foreach (var (id, (account, grain, start, delta)) in merged)
        {
            var doc = rollups.ById(id) ?? new BsonDocument
            {
                ["_id"] = id,
                ["account_id"] = account,
                ["grain"] = GrainCode(grain),
                ["start"] = Bson.Time(start),
                ["c"] = new BsonDocument(),
                ["s"] = new BsonDocument(),
            };
            var counts = doc["c"].AsDocument;
            foreach (var (k, n) in delta.Counts) counts[k] = (counts.TryGetValue(k, out var c) ? c.AsInt64 : 0L) + n;
            var sums = doc["s"].AsDocument;
            foreach (var (k, v) in delta.Sums) sums[k] = (sums.TryGetValue(k, out var c) ? c.AsDecimal : 0m) + v;
            rollups.Upsert(doc);
        }
    }

    /// <summary>Deltas added up per bucket document, so a batch of a thousand requests touches a handful of documents, each once.</summary>
    public static Dictionary<string, (string Account, RollupGrain Grain, DateTimeOffset Start, RollupDelta Delta)> Merge(IEnumerable<RollupDelta?> deltas)
    {
        var merged = new Dictionary<string, (string Account, RollupGrain Grain, DateTimeOffset Start, RollupDelta Delta)>(StringComparer.Ordinal);
        MergeInto(merged, deltas, DateTimeOffset.MinValue);
        return merged;
    }

    /// <summary>Adds <paramref name="deltas"/> into <paramref name="merged"/>, leaving out hour buckets that start before <paramref name="hoursFrom"/>.</summary>
    public static void MergeInto(Dictionary<string, (string Account, RollupGrain Grain, DateTimeOffset Start, RollupDelta Delta)> merged,
        IEnumerable<RollupDelta?> deltas, DateTimeOffset hoursFrom)
    {
        foreach (var delta in deltas)
        {
            if (delta is null || delta.IsEmpty) continue;
            foreach (var grain in Grains)
            {
                var start = RollupGrains.Start(grain, delta.At);
                if (grain == RollupGrain.Hour && start < hoursFrom) continue;
                var id = Id(delta.AccountId, grain, start);
                if (!merged.TryGetValue(id, out var target))
                    merged[id] = target = (delta.AccountId, grain, start, new RollupDelta(delta.AccountId, start));
                foreach (var (k, n) in delta.Counts) target.Delta.Count(k, n);
                foreach (var (k, v) in delta.Sums) target.Delta.Sum(k, v);
            }
        }
    }

    private static readonly RollupGrain[] Grains = [RollupGrain.Hour, RollupGrain.Day, RollupGrain.Total];

    public static string Id(string accountId, RollupGrain grain, DateTimeOffset start) => grain switch
    {
        RollupGrain.Hour => $"{accountId}|h|{start.UtcDateTime:yyyyMMddHH}",
        RollupGrain.Day => $"{accountId}|d|{start.UtcDateTime:yyyyMMdd}",
        _ => $"{accountId}|t|",
    };

    public static RollupGrain GrainOf(string id) => id.Split('|')[^2] switch { "h" => RollupGrain.Hour, "d" => RollupGrain.Day, _ => RollupGrain.Total };

    private static string GrainCode(RollupGrain grain) => grain switch { RollupGrain.Hour => "h", RollupGrain.Day => "d", _ => "t" };

    public static RollupBucket FromDocument(BsonDocument d) => new(
        d.Time("start"),
        d["c"].AsDocument.ToDictionary(x => x.Key, x => x.Value.AsInt64, StringComparer.Ordinal),
        d["s"].AsDocument.ToDictionary(x => x.Key, x => x.Value.AsDecimal, StringComparer.Ordinal));
}

/// <summary>
/// Rollup deltas gathered while seeding, written when <see cref="Flush"/> is called. Hour buckets older than the rollups
/// keep (<see cref="RollupGrains.HoursKeptFrom"/>) are left out, as retention would remove them anyway.
/// </summary>
internal sealed class RollupBuffer(DateTimeOffset now)
{
    private readonly Dictionary<string, (string Account, RollupGrain Grain, DateTimeOffset Start, RollupDelta Delta)> _merged = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _hoursFrom = RollupGrains.HoursKeptFrom(now);

    public void Add(IEnumerable<RollupDelta?> deltas) => RollupRows.MergeInto(_merged, deltas, _hoursFrom);

    public void Flush(LiteStore s)
    {
        RollupRows.Write(s, _merged);
        _merged.Clear();
    }
}
