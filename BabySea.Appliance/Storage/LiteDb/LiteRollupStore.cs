using BabySea.Appliance.Analytics;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteRollupStore(LiteStore store) : IRollupStore
{
    public IReadOnlyList<RollupBucket> Read(string accountId, RollupGrain grain, DateTimeOffset from, DateTimeOffset to)
    {
        // Bucket ids sort by time within an account and grain: the period is one range scan of the primary key.
        var lo = RollupRows.Id(accountId, grain, RollupGrains.Start(grain, from));
        var hi = RollupRows.Id(accountId, grain, RollupGrains.Start(grain, to));
        return store.Collection(Schema.Rollups).Find(BsonExpression.Create("_id BETWEEN @0 AND @1", lo, hi))
            .Select(RollupRows.FromDocument).Where(b => b.Start >= RollupGrains.Start(grain, from) && b.Start < to)
            .OrderBy(b => b.Start).ToArray();
    }

    public IReadOnlyList<string> Recount(string accountId)
    {
        var marks = store.Collection(Schema.RetentionMarks);
        DateTimeOffset Until(string category) => marks.FindById($"{accountId}|{category}") is { } d ? d.Time("until") : DateTimeOffset.MinValue;
        var generations = Until("generations");
        var until = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal)
        {
            ["req"] = Until("request_logs"), ["gen"] = generations, ["model"] = generations, ["prov"] = generations,
            ["cr"] = Until("ledger"), ["wh"] = Until("webhook_deliveries"),
        };
        var hours = Until(LiteRetentionStore.HourRollupsMark);
        // A generation counts when created and again when it ends, up to a day later, so a day past a sweep may count rows now gone.
        return RollupRecount.Compare(store, accountId, (key, grain, start) => (grain == RollupGrain.Hour && start < hours)
            || (until.GetValueOrDefault(key[..key.IndexOf('|')]) is var u && u > DateTimeOffset.MinValue && start < u + TimeSpan.FromDays(1)));
    }

    public RollupBucket Total(string accountId)
        => store.Collection(Schema.Rollups).FindById(RollupRows.Id(accountId, RollupGrain.Total, DateTimeOffset.UnixEpoch)) is { } d
            ? RollupRows.FromDocument(d)
            : RollupBucket.Empty;
}
