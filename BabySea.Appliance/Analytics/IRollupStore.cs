namespace BabySea.Appliance.Analytics;

/// <summary>Reads rollup buckets; they are written by the storage of the events they count.</summary>
public interface IRollupStore
{
    /// <summary>The account's buckets of <paramref name="grain"/> that overlap [<paramref name="from"/>, <paramref name="to"/>), oldest first; empty buckets are absent.</summary>
    Task<IReadOnlyList<RollupBucket>> ReadAsync(string accountId, RollupGrain grain, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>The account's all-time totals.</summary>
    Task<RollupBucket> TotalAsync(string accountId, CancellationToken ct);

    /// <summary>Where the account's hour and day rollups differ from a recount of the rows still present (retention aside).</summary>
    Task<IReadOnlyList<string>> RecountAsync(string accountId, CancellationToken ct);
}
