using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Writes realistic history for benchmarks and demos through the same row writers the appliance uses (generation records,
/// ledger movements, webhook deliveries and their attempts, request logs, rollups), in large writer batches; what the
/// history holds is <see cref="HistoryPlan"/>'s.
/// </summary>
public sealed class HistorySeeder(WriteQueue writer, TimeProvider time, int seed = 1) : IHistorySeeder
{
    private const int Batch = 2000;
    private readonly HistoryPlan _plan = new(seed);
    private readonly Dictionary<string, WebhookEndpoint> _endpoints = new(StringComparer.Ordinal);

    public async Task<SeededHistory> SeedAsync(int accounts, int generations, int requestLogs, int days, string plan, Action<string> progress, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var now = time.GetUtcNow();
        var from = now.AddDays(-days);
        var rollups = new RollupBuffer(now);
        await writer.RunAsync(s => s.SeedingRollups = rollups);
        try
        {
            var ids = await writer.RunAsync(s => Enumerable.Range(0, accounts).Select(i =>
            {
                var id = Guid.CreateVersion7(from).ToString();
                s.Collection(Schema.Accounts).Insert(new BsonDocument
                {
                    ["_id"] = id, ["name"] = $"Seeded {i + 1}", ["plan"] = plan, ["balance"] = 0m,
                    ["created_at"] = Bson.Time(from), ["updated_at"] = Bson.Time(from),
                });
                // Enough for every generation it will make, so the ledger never refuses a seeded reserve.
                LedgerRows.Apply(s, new LedgerMovement(id, LedgerType.Add, HistoryPlan.StartingCredits, null, "Seeded credits"), from);
                var endpoint = HistoryPlan.Endpoint(id, i, from);
                EndpointRows.Insert(s, WebhookDocuments.ToDocument(endpoint));
                _endpoints[id] = endpoint;
                return id;
            }).ToArray());

            var done = 0;
            foreach (var chunk in _plan.GenerationSteps(ids, generations, from, now).Chunk(Batch))
            {
                done += chunk.Length;
                await writer.RunAsync(s =>
                {
                    foreach (var step in chunk) Apply(s, step);
                    FlushEvery(s, rollups, done, Batch * FlushEveryChunks);
                    return chunk.Length;
                });
                progress($"generation steps {done}/{2 * generations}");
            }
            done = 0;
            foreach (var entries in _plan.Requests(ids, requestLogs, from, now).Chunk(Batch * 5))
            {
                done += entries.Length;
                await writer.RunAsync(s =>
                {
                    s.Collection(Schema.RequestLogs).InsertBulk(entries.Select(LiteRequestLogStore.ToDocument));
                    RollupRows.Apply(s, entries.Select(RollupRules.ForRequest));
                    FlushEvery(s, rollups, done, Batch * 5 * FlushEveryChunks);
                    return entries.Length;
                });
                progress($"request logs {done}/{requestLogs}");
            }
            await writer.RunAsync(s =>
            {
                rollups.Flush(s);
                return true;
            });
            return new SeededHistory(accounts, generations, requestLogs, started.Elapsed);
        }
        finally
        {
            await writer.RunAsync(s => s.SeedingRollups = null);
        }
    }

    /// <summary>
    /// Rows go in time order, so between flushes the buffer holds a few days of buckets, each written once per flush
    /// rather than once per row; the buffer stays small whatever the history's size.
    /// </summary>
    private const int FlushEveryChunks = 10;

    private static void FlushEvery(LiteStore s, RollupBuffer rollups, int done, int every)
    {
        if (done % every == 0) rollups.Flush(s);
    }

    private void Apply(LiteStore s, HistoryPlan.Step step)
    {
        LedgerRows.Apply(s, step.Movement, step.At);
        if (!step.IsEnd) s.Collection(Schema.Generations).Insert(GenerationDocuments.ToDocument(step.Generation));
        RollupRows.Apply(s, step.Rollup);
        if (step.IsEnd) Deliver(s, _endpoints[step.Generation.AccountId], step);
    }

    /// <summary>The end's delivery, settled with its one attempt as a live appliance would have left it.</summary>
    private static void Deliver(LiteStore s, WebhookEndpoint endpoint, HistoryPlan.Step step)
    {
        var e = step.Announcement;
        var delivery = OutboxRows.Add(s, endpoint, Guid.CreateVersion7(step.At).ToString(), e.Type, e.Data.ToJsonString(), step.At);
        var attempt = new WebhookAttempt(Guid.CreateVersion7(step.At).ToString(), delivery["_id"].AsString, endpoint.Id, 1, step.At.AddMilliseconds(40),
            step.Delivered ? 200 : 503, step.Delivered ? null : "HTTP 503", 40, step.Delivered);
        s.Collection(Schema.WebhookAttempts).Insert(WebhookDocuments.AttemptToDocument(attempt, endpoint.AccountId));
        delivery["attempts"] = 1;
        delivery["last_attempt_at"] = Bson.Time(attempt.AttemptedAt);
        delivery["last_status_code"] = attempt.StatusCode!.Value;
        delivery["next_attempt_at"] = BsonValue.Null;
        if (step.Delivered) delivery["delivered_at"] = Bson.Time(attempt.AttemptedAt);
        else delivery["last_error"] = attempt.Error;
        OutboxRows.SetStatus(s, delivery, step.Delivered ? DeliveryStatus.Delivered : DeliveryStatus.Exhausted);
        s.Collection(Schema.WebhookDeliveries).Update(delivery);
    }
}
