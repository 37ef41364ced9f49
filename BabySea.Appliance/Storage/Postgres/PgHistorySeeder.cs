using BabySea.Appliance.Analytics;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// Writes the <see cref="HistoryPlan"/> history with multi-row inserts, a few thousand rows per transaction. Seeding runs
/// on a database nothing else writes to, so balances are carried in memory between batches (no row locks) and the rollups
/// are added up in memory and written once at the end, leaving out hour buckets older than those kept. Each seeded account
/// starts with <see cref="HistoryPlan.StartingCredits"/>, far above any low-balance threshold, so no alert is due.
/// </summary>
public sealed class PgHistorySeeder(PgDatabase db, TimeProvider time, int seed = 1) : IHistorySeeder
{
    private const int Batch = 5000;
    private static readonly string[] LedgerCasts = ["", "", "", "", "", "", "", "", ""];
    private const string LedgerColumns = "account_id, type, amount, delta, balance_after, generation_id, description, created_at, movement_key";

    private readonly HistoryPlan _plan = new(seed);

    public async Task<SeededHistory> SeedAsync(int accounts, int generations, int requestLogs, int days, string plan, Action<string> progress, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var now = time.GetUtcNow();
        var from = now.AddDays(-days);
        var rollups = new Dictionary<PgRollupRows.Cell, decimal>();
        var hoursFrom = RollupGrains.HoursKeptFrom(now);
        var ids = Enumerable.Range(0, accounts).Select(_ => Guid.CreateVersion7(from).ToString()).ToArray();
        var balances = ids.ToDictionary(id => id, _ => 0m, StringComparer.Ordinal);

        var endpoints = ids.Select((id, i) => HistoryPlan.Endpoint(id, i, from)).ToDictionary(e => e.AccountId, StringComparer.Ordinal);
        var grants = LedgerRows(ids.Select(id => (new LedgerMovement(id, LedgerType.Add, HistoryPlan.StartingCredits, null, "Seeded credits"), from)),
            balances, rollups, hoursFrom);
        await db.WriteAsync(async tx =>
        {
            await tx.InsertRowsAsync("accounts", "id, name, plan, balance, created_at, updated_at", ["", "", "", "", "", ""],
                ids.Select((id, i) => new object?[] { id, $"Seeded {i + 1}", plan, 0m, from, from }));
            await tx.InsertRowsAsync("ledger", LedgerColumns, LedgerCasts, grants, chunk: 2000);
            await tx.InsertRowsAsync("webhook_endpoints", PgOutboxRows.EndpointColumns, new string[11], endpoints.Values.Select(e => new object?[]
            {
                e.Id, e.AccountId, e.Url, e.Events.ToArray(), e.Enabled, e.Secret, e.CreatedAt, e.UpdatedAt, e.ConsecutiveFailures, e.DisabledReason, e.DisabledAt,
            }));
            return true;
        });

        var done = 0;
        foreach (var chunk in _plan.GenerationSteps(ids, generations, from, now).Chunk(Batch))
        {
            done += chunk.Length;
            var entries = LedgerRows(chunk.Select(step => (step.Movement, step.At)), balances, rollups, hoursFrom);
            var (deliveries, attempts) = DeliveryRows(chunk.Where(step => step.IsEnd), endpoints, rollups, hoursFrom);
            await db.WriteAsync(async tx =>
            {
                await tx.InsertRowsAsync("ledger", LedgerColumns, LedgerCasts, entries, chunk: 2000);
                await PgGenerationRows.InsertAsync(tx, chunk.Where(step => !step.IsEnd).Select(step => step.Generation));
                await tx.InsertRowsAsync("webhook_deliveries", DeliveryColumns, new string[14], deliveries);
                await tx.InsertRowsAsync("webhook_attempts", AttemptColumns, new string[10], attempts);
                return true;
            });
            PgRollupRows.MergeInto(rollups, chunk.Select(step => step.Rollup), hoursFrom);
            progress($"generation steps {done}/{2 * generations}");
        }
        done = 0;
        foreach (var entries in _plan.Requests(ids, requestLogs, from, now).Chunk(Batch * 2))
        {
            done += entries.Length;
            await db.WriteAsync(async tx =>
            {
                await PgRequestLogStore.InsertAsync(tx, entries);
                return true;
            });
            PgRollupRows.MergeInto(rollups, entries.Select(RollupRules.ForRequest), hoursFrom);
            progress($"request logs {done}/{requestLogs}");
        }
        await db.WriteAsync(async tx =>
        {
            foreach (var (id, balance) in balances)
                await tx.Command("UPDATE accounts SET balance = $2, updated_at = $3 WHERE id = $1", id, balance, now).RunAsync();
            await PgRollupRows.WriteAsync(tx, rollups);
            return true;
        });
        return new SeededHistory(accounts, generations, requestLogs, started.Elapsed);
    }

    private const string DeliveryColumns = "id, event_id, endpoint_id, account_id, event_type, data_json, created_at, status, attempts, next_attempt_at, "
        + "last_attempt_at, last_status_code, last_error, delivered_at";
    private const string AttemptColumns = "id, delivery_id, endpoint_id, account_id, number, attempted_at, status_code, error, latency_ms, succeeded";

    /// <summary>
    /// The deliveries of <paramref name="ends"/> to their account's endpoint, settled with their one attempt as a live
    /// appliance would have left them (in creation order, which their seq keeps), and their attempts; counted into <paramref name="rollups"/>.
    /// </summary>
    private static (List<object?[]> Deliveries, List<object?[]> Attempts) DeliveryRows(IEnumerable<HistoryPlan.Step> ends,
        Dictionary<string, WebhookEndpoint> endpoints, Dictionary<PgRollupRows.Cell, decimal> rollups, DateTimeOffset hoursFrom)
    {
        var (deliveries, attempts) = (new List<object?[]>(), new List<object?[]>());
        foreach (var step in ends)
        {
            var (endpoint, e, at) = (endpoints[step.Generation.AccountId], step.Announcement, step.At);
            var (deliveryId, attemptedAt) = (Guid.CreateVersion7(at).ToString(), at.AddMilliseconds(40));
            var status = step.Delivered ? DeliveryStatus.Delivered : DeliveryStatus.Exhausted;
            int? code = step.Delivered ? 200 : 503;
            var error = step.Delivered ? null : "HTTP 503";
            deliveries.Add([deliveryId, Guid.CreateVersion7(at).ToString(), endpoint.Id, endpoint.AccountId, e.Type, e.Data.ToJsonString(), at, status, 1, null,
                attemptedAt, code, error, step.Delivered ? attemptedAt : null]);
            attempts.Add([Guid.CreateVersion7(at).ToString(), deliveryId, endpoint.Id, endpoint.AccountId, 1, attemptedAt, code, error, 40d, step.Delivered]);
            PgRollupRows.MergeInto(rollups, [RollupRules.ForDeliveryStatus(endpoint.AccountId, at, null, status)], hoursFrom);
        }
        return (deliveries, attempts);
    }

    /// <summary>
    /// Ledger rows in the order given, each with the balance it leaves; their rollups are added to <paramref name="rollups"/>.
    /// Made before the transaction that inserts them, so a retried transaction inserts the same rows and counts nothing twice.
    /// </summary>
    private static List<object?[]> LedgerRows(IEnumerable<(LedgerMovement Movement, DateTimeOffset At)> movements, Dictionary<string, decimal> balances,
        Dictionary<PgRollupRows.Cell, decimal> rollups, DateTimeOffset hoursFrom)
        => movements.Select(m =>
        {
            var balance = balances[m.Movement.AccountId] = m.Movement.BalanceAfter(balances[m.Movement.AccountId]);
            var entry = new LedgerEntry("", m.Movement.AccountId, m.Movement.Type, m.Movement.Amount, m.Movement.Delta(), balance, m.Movement.GenerationId,
                m.Movement.Description, m.At);
            PgRollupRows.MergeInto(rollups, [RollupRules.ForLedger(entry)], hoursFrom);
            var type = LedgerMovement.TypeName(m.Movement.Type);
            return new object?[]
            {
                m.Movement.AccountId, type, m.Movement.Amount, m.Movement.Delta(), balance, m.Movement.GenerationId, m.Movement.Description, m.At,
                m.Movement.GenerationId is { } g ? $"{g}:{type}" : $"grant:{Guid.NewGuid():N}",
            };
        }).ToList();
}
