using BabySea.Appliance.Analytics;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteRollupStore(LiteStore store, TimeProvider time) : IRollupStore
{
    public Task<IReadOnlyList<RollupBucket>> ReadAsync(string accountId, RollupGrain grain, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // Bucket ids sort by time within an account and grain: the period is one range scan of the primary key.
        var lo = RollupRows.Id(accountId, grain, RollupGrains.Start(grain, from));
        var hi = RollupRows.Id(accountId, grain, RollupGrains.Start(grain, to));
        return Task.FromResult<IReadOnlyList<RollupBucket>>(store.Collection(Schema.Rollups).Find(BsonExpression.Create("_id BETWEEN @0 AND @1", lo, hi))
            .Select(RollupRows.FromDocument).Where(b => b.Start >= RollupGrains.Start(grain, from) && b.Start < to)
            .OrderBy(b => b.Start).ToArray());
    }

    public Task<IReadOnlyList<string>> RecountAsync(string accountId, CancellationToken ct)
    {
        var marks = store.Collection(Schema.RetentionMarks);
        DateTimeOffset Until(string category) => marks.ById($"{accountId}|{category}") is { } d ? d.Time("until") : DateTimeOffset.MinValue;
        var generations = Until("generations");
        var until = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal)
        {
            ["req"] = Until("request_logs"), ["gen"] = generations, ["model"] = generations, ["prov"] = generations,
            ["cr"] = Until("ledger"), ["wh"] = Until("webhook_deliveries"),
        };
        // Hour buckets that old are gone or going (retention; seeding never writes them): nothing to compare.
        var hours = RollupGrains.HoursKeptFrom(time.GetUtcNow());
        // A generation counts when created and again when it ends, up to a day later, so a day past a sweep may count rows now gone.
        return Task.FromResult<IReadOnlyList<string>>(RollupRecount.Compare(store, accountId, (key, grain, start) => (grain == RollupGrain.Hour && start < hours)
            || (until.GetValueOrDefault(key[..key.IndexOf('|')]) is var u && u > DateTimeOffset.MinValue && start < u + TimeSpan.FromDays(1))));
    }

    public Task<RollupBucket> TotalAsync(string accountId, CancellationToken ct)
        => Task.FromResult(store.Collection(Schema.Rollups).ById(RollupRows.Id(accountId, RollupGrain.Total, DateTimeOffset.UnixEpoch)) is { } d
            ? RollupRows.FromDocument(d)
            : RollupBucket.Empty);
}
