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
        return Task.FromResult<IReadOnlyList<string>>([.. RollupRecount.Compare(store, accountId, RollupComparison.Swept(time.GetUtcNow(),
            category => marks.ById($"{accountId}|{category}") is { } d ? d.Time("until") : DateTimeOffset.MinValue)),
            .. DeliveryCounts.Mismatches(store, accountId)]);
    }

    public Task<RollupBucket> TotalAsync(string accountId, CancellationToken ct)
        => Task.FromResult(store.Collection(Schema.Rollups).ById(RollupRows.Id(accountId, RollupGrain.Total, DateTimeOffset.UnixEpoch)) is { } d
            ? RollupRows.FromDocument(d)
            : RollupBucket.Empty);
}
