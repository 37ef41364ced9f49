using BabySea.Appliance.Analytics;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Storage.Postgres;

public sealed class PgRollupStore(PgDatabase db, TimeProvider time) : IRollupStore
{
    private const string BucketColumns = "grain, start, kind, key, value";

    public async Task<IReadOnlyList<RollupBucket>> ReadAsync(string accountId, RollupGrain grain, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        => (await db.ReadAsync(c => PgRollupRows.ReadBucketsAsync(c.Command($"""
            SELECT {BucketColumns} FROM rollups WHERE account_id = $1 AND grain = $2::"char" AND start >= $3 AND start < $4 ORDER BY start, kind, key
            """, accountId, PgRollupRows.Code(grain).ToString(), RollupGrains.Start(grain, from), to), ct), ct)).Select(b => b.Bucket).ToArray();

    public async Task<RollupBucket> TotalAsync(string accountId, CancellationToken ct)
        => (await db.ReadAsync(c => PgRollupRows.ReadBucketsAsync(c.Command($"""
            SELECT {BucketColumns} FROM rollups WHERE account_id = $1 AND grain = 't' ORDER BY kind, key
            """, accountId), ct), ct)) is [var total] ? total.Bucket : RollupBucket.Empty;

    public Task<IReadOnlyList<string>> RecountAsync(string accountId, CancellationToken ct)
        => db.ReadAsync<IReadOnlyList<string>>(async c =>
        {
            var marks = (await c.Command("SELECT category, until FROM retention_marks WHERE account_id = $1", accountId).ListAsync(r => (r.GetString(0), r.Time(1)), ct))
                .ToDictionary(m => m.Item1, m => m.Item2, StringComparer.Ordinal);
            var stored = await PgRollupRows.ReadBucketsAsync(c.Command($"""
                SELECT {BucketColumns} FROM rollups WHERE account_id = $1 AND grain <> 't' ORDER BY grain, start, kind, key
                """, accountId), ct);
            // The rows still present, counted with the same rules the writers use.
            var deltas = new List<RollupDelta?>();
            deltas.AddRange((await c.Command("SELECT request_id, account_id, key_id, method, endpoint, status, bse, at, duration_ms, replay, ip_hash, user_agent "
                + "FROM request_logs WHERE account_id = $1", accountId).ListAsync(PgRequestLogStore.FromRow, ct)).Select(RollupRules.ForRequest));
            deltas.AddRange((await c.Command($"SELECT {PgLedgerRows.Columns} FROM ledger WHERE account_id = $1", accountId).ListAsync(PgLedgerRows.FromRow, ct))
                .Select(RollupRules.ForLedger));
            foreach (var g in await c.Command($"SELECT {PgGenerationRows.Columns} FROM generations WHERE account_id = $1", accountId)
                         .ListAsync(r => PgGenerationRows.FromRow(r), ct))
            {
                deltas.Add(RollupRules.ForCreated(g));
                deltas.Add(RollupRules.ForTransition(g with { Status = GenerationStatus.Processing }, g));
            }
            deltas.AddRange(await c.Command("SELECT created_at, status FROM webhook_deliveries WHERE account_id = $1", accountId)
                .ListAsync(r => RollupRules.ForDeliveryStatus(accountId, r.Time(0), null, r.GetString(1)), ct));
            return RollupComparison.Mismatches(accountId, deltas, stored,
                RollupComparison.Swept(time.GetUtcNow(), category => marks.GetValueOrDefault(category, DateTimeOffset.MinValue)));
        }, ct);
}
