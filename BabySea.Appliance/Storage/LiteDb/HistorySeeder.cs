using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Writes realistic history for benchmarks and demos through the same row writers the appliance uses (generation records,
/// ledger movements, webhook deliveries and their attempts, request logs, rollups), in large writer batches. One account
/// holds a fifth of everything, the rest share the remainder; generations succeed, fail over, fail and get canceled in
/// plausible proportions, and each ending is delivered to the account's webhook endpoint (a few deliveries exhausted).
/// </summary>
public sealed class HistorySeeder(WriteQueue writer, TimeProvider time, int seed = 1) : IHistorySeeder
{
    private const int Batch = 2000;
    private static readonly (string Model, decimal Cost, string[] Providers)[] Models =
    [
        ("bfl/flux-schnell", 0.003m, ["replicate", "fal"]),
        ("bfl/flux-1.1-pro", 0.040m, ["bfl", "replicate"]),
        ("openai/gpt-image-1", 0.042m, ["openai"]),
        ("runway/gen4-image-turbo", 0.020m, ["runway", "replicate"]),
    ];
    private static readonly string[] Endpoints = ["GET /v1/status", "GET /v1/content/{generationId}", "GET /v1/content/list", "POST /v1/generate/image/{**model}", "GET /v1/usage"];

    private readonly Random _random = new(seed);
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
                LedgerRows.Apply(s, new LedgerMovement(id, LedgerType.Add, 1_000_000m, null, "Seeded credits"), from);
                var endpoint = new WebhookEndpoint(Guid.CreateVersion7(from).ToString(), id, $"https://hooks.example.com/babysea/{i + 1}",
                    [WebhookEvents.Completed, WebhookEvents.Failed, WebhookEvents.Canceled], true, WebhookSigner.NewSecret(), from, from, 0, null, null);
                s.Collection(Schema.WebhookEndpoints).Insert(WebhookDocuments.ToDocument(endpoint));
                _endpoints[id] = endpoint;
                return id;
            }).ToArray());

            var done = 0;
            foreach (var chunk in Steps(Times(generations, from, now).Select(at => Generation(Account(ids), at, now))).Chunk(Batch))
            {
                done += chunk.Length;
                await writer.RunAsync(s =>
                {
                    foreach (var step in chunk) step(s);
                    FlushEvery(s, rollups, done, Batch * FlushEveryChunks);
                    return chunk.Length;
                });
                progress($"generation steps {done}/{2 * generations}");
            }
            done = 0;
            foreach (var chunk in Times(requestLogs, from, now).Chunk(Batch * 5))
            {
                var entries = chunk.Select(at => Request(Account(ids), at)).ToArray();
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

    // Sorted, so rows go in in time order as they would have been written live.
    private IEnumerable<DateTimeOffset> Times(int count, DateTimeOffset from, DateTimeOffset to)
    {
        var span = (to - from).Ticks;
        var times = new long[count];
        for (var i = 0; i < count; i++) times[i] = from.Ticks + (long)(_random.NextDouble() * span);
        Array.Sort(times);
        return times.Select(t => new DateTimeOffset(t, TimeSpan.Zero));
    }

    private string Account(string[] ids) => ids.Length == 1 || _random.NextDouble() < 0.2 ? ids[0] : ids[1 + _random.Next(ids.Length - 1)];

    /// <summary>
    /// Each generation's admission and its end as two steps, in time order across generations (an end waits until every
    /// admission before it), as the appliance would have written them: the ledger's balance chain then holds in id order.
    /// </summary>
    private IEnumerable<Action<LiteStore>> Steps(IEnumerable<Generation> generations)
    {
        var ends = new PriorityQueue<Generation, DateTimeOffset>();
        foreach (var g in generations)
        {
            while (ends.TryPeek(out var ending, out var at) && at <= g.CreatedAt) yield return End(ends.Dequeue());
            yield return s => Admit(s, g);
            ends.Enqueue(g, g.CompletedAt!.Value);
        }
        while (ends.Count > 0) yield return End(ends.Dequeue());
    }

    private static void Admit(LiteStore s, Generation g)
    {
        LedgerRows.Apply(s, new LedgerMovement(g.AccountId, LedgerType.Reserve, g.Cost, g.Id, $"Reserve for generation {g.Id} ({g.ModelIdentifier})"), g.CreatedAt);
        s.Collection(Schema.Generations).Insert(GenerationDocuments.ToDocument(g));
        RollupRows.Apply(s, RollupRules.ForCreated(g));
    }

    private Action<LiteStore> End(Generation g) => s =>
    {
        var settle = g.Status == GenerationStatus.Succeeded ? LedgerType.Charge : LedgerType.Refund;
        LedgerRows.Apply(s, new LedgerMovement(g.AccountId, settle, g.Cost, g.Id, $"{settle} for generation {g.Id}"), g.CompletedAt!.Value);
        RollupRows.Apply(s, RollupRules.ForTransition(g with { Status = GenerationStatus.Processing }, g));
        Deliver(s, _endpoints[g.AccountId], g);
    };

    /// <summary>The ending's event, delivered at the first attempt, or (about 3 in 100, by the id's random tail) refused until exhausted.</summary>
    private static void Deliver(LiteStore s, WebhookEndpoint endpoint, Generation g)
    {
        var e = WebhookEvents.For(g.Status switch
        {
            GenerationStatus.Succeeded => GenerationEvent.Completed,
            GenerationStatus.Failed => GenerationEvent.Failed,
            _ => GenerationEvent.Canceled,
        }, g);
        var at = g.CompletedAt!.Value;
        var delivery = OutboxRows.Add(s, endpoint, Guid.CreateVersion7(at).ToString(), e.Type, e.Data.ToJsonString(), at);
        var delivered = Convert.ToInt32(g.Id[^2..], 16) >= 8;
        var attempt = new WebhookAttempt(Guid.CreateVersion7(at).ToString(), delivery["_id"].AsString, endpoint.Id, 1, at.AddMilliseconds(40),
            delivered ? 200 : 503, delivered ? null : "HTTP 503", 40, delivered);
        s.Collection(Schema.WebhookAttempts).Insert(WebhookDocuments.AttemptToDocument(attempt, endpoint.AccountId));
        delivery["attempts"] = 1;
        delivery["last_attempt_at"] = Bson.Time(attempt.AttemptedAt);
        delivery["last_status_code"] = attempt.StatusCode!.Value;
        delivery["next_attempt_at"] = BsonValue.Null;
        if (delivered) delivery["delivered_at"] = Bson.Time(attempt.AttemptedAt);
        else delivery["last_error"] = attempt.Error;
        OutboxRows.SetStatus(s, delivery, delivered ? DeliveryStatus.Delivered : DeliveryStatus.Exhausted);
        s.Collection(Schema.WebhookDeliveries).Update(delivery);
    }

    private Generation Generation(string accountId, DateTimeOffset at, DateTimeOffset now)
    {
        var (model, cost, providers) = Models[_random.Next(Models.Length)];
        var roll = _random.NextDouble();
        var status = roll < 0.85 ? GenerationStatus.Succeeded : roll < 0.95 ? GenerationStatus.Failed : GenerationStatus.Canceled;
        var failover = providers.Length > 1 && status != GenerationStatus.Canceled && _random.NextDouble() < 0.15;
        var started = at.AddMilliseconds(20 + _random.Next(200));
        var completed = started.AddSeconds(1 + _random.NextDouble() * _random.NextDouble() * 30);
        if (completed > now) completed = now;
        var attempts = new List<Attempt>();
        if (failover)
            attempts.Add(new Attempt(1, providers[0], model, AttemptOutcome.Failed, $"job-{_random.Next()}", null, null, BseCode.ProviderError, "Server error",
                started, started.AddSeconds(1), false));
        var last = status switch
        {
            GenerationStatus.Succeeded => AttemptOutcome.Used,
            GenerationStatus.Failed => AttemptOutcome.Failed,
            _ => AttemptOutcome.Canceled,
        };
        attempts.Add(new Attempt(attempts.Count + 1, providers[failover ? 1 : 0], model, last, $"job-{_random.Next()}", null, null,
            last == AttemptOutcome.Failed ? BseCode.ProviderError : null, null, started, completed, false));
        return new Generation
        {
            Id = Guid.CreateVersion7(at).ToString(),
            AccountId = accountId,
            ModelIdentifier = model,
            MediaType = MediaType.Image,
            Status = status,
            ProviderOrder = providers,
            Request = new GenerationRequest("a harbour seal on pack ice", "1:1", "png", 1, [], null, null, null, null, null,
                new Dictionary<string, System.Text.Json.JsonElement>()),
            Cost = cost,
            CreatedAt = at,
            StartedAt = started,
            CompletedAt = completed,
            ProviderUsed = status == GenerationStatus.Succeeded ? attempts[^1].Provider : null,
            ErrorCode = status == GenerationStatus.Failed ? BseCode.AllProvidersFailed : null,
            Attempts = attempts,
        };
    }

    private RequestLogEntry Request(string accountId, DateTimeOffset at)
    {
        var endpoint = Endpoints[_random.Next(Endpoints.Length)].Split(' ');
        var roll = _random.NextDouble();
        var (status, code) = roll < 0.93 ? (200, (string?)null) : roll < 0.98 ? (404, "BSE3001") : roll < 0.995 ? (429, "BSE1005") : (502, "BSE4003");
        return new RequestLogEntry(RequestIds.New(at), accountId, null, endpoint[0], endpoint[1], status, code, at, 2 + _random.NextDouble() * _random.NextDouble() * 400,
            false, "seeded", "babysea-seed/1");
    }
}
