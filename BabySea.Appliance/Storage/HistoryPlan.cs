using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Storage;

/// <summary>
/// The realistic history the seeders write, whichever engine: one account holds a fifth of everything, the rest share the
/// remainder; generations succeed, fail over, fail and get canceled in plausible proportions, and each ending is delivered
/// to the account's webhook endpoint (a few deliveries exhausted). Seeded, so runs repeat.
/// </summary>
internal sealed class HistoryPlan(int seed = 1)
{
    /// <summary>Credits each seeded account starts with: enough for every generation it will make.</summary>
    public const decimal StartingCredits = 1_000_000m;

    private static readonly (string Model, decimal Cost, string[] Providers)[] Models =
    [
        ("bfl/flux-schnell", 0.003m, ["replicate", "fal"]),
        ("bfl/flux-1.1-pro", 0.040m, ["bfl", "replicate"]),
        ("openai/gpt-image-1", 0.042m, ["openai"]),
        ("runway/gen4-image-turbo", 0.020m, ["runway", "replicate"]),
    ];
    private static readonly string[] Endpoints = ["GET /v1/status", "GET /v1/content/{generationId}", "GET /v1/content/list", "POST /v1/generate/image/{**model}", "GET /v1/usage"];

    private readonly Random _random = new(seed);

    /// <summary>One step of a generation's history: its admission, or its end.</summary>
    public readonly record struct Step(Generation Generation, bool IsEnd)
    {
        /// <summary>The ledger movement of the step: the reserve, or the charge or refund.</summary>
        public LedgerMovement Movement => IsEnd
            ? new LedgerMovement(Generation.AccountId, Settlement, Generation.Cost, Generation.Id, $"{Settlement} for generation {Generation.Id}")
            : new LedgerMovement(Generation.AccountId, LedgerType.Reserve, Generation.Cost, Generation.Id,
                $"Reserve for generation {Generation.Id} ({Generation.ModelIdentifier})");

        public DateTimeOffset At => IsEnd ? Generation.CompletedAt!.Value : Generation.CreatedAt;

        /// <summary>The rollups the step counts: the creation, or the end (from processing).</summary>
        public RollupDelta? Rollup => IsEnd
            ? RollupRules.ForTransition(Generation with { Status = GenerationStatus.Processing }, Generation)
            : RollupRules.ForCreated(Generation);

        /// <summary>The event an end announces.</summary>
        public WebhookEvent Announcement => WebhookEvents.For(Generation.Status switch
        {
            GenerationStatus.Succeeded => GenerationEvent.Completed,
            GenerationStatus.Failed => GenerationEvent.Failed,
            _ => GenerationEvent.Canceled,
        }, Generation);

        /// <summary>Whether the end's delivery was acknowledged at its first attempt (about 97 in 100, by the id's random tail); else it was exhausted.</summary>
        public bool Delivered => Convert.ToInt32(Generation.Id[^2..], 16) >= 8;

        private LedgerType Settlement => Generation.Status == GenerationStatus.Succeeded ? LedgerType.Charge : LedgerType.Refund;
    }

    /// <summary>The webhook endpoint of seeded account <paramref name="index"/>: it takes the endings.</summary>
    public static WebhookEndpoint Endpoint(string accountId, int index, DateTimeOffset from)
        => new(Guid.CreateVersion7(from).ToString(), accountId, $"https://hooks.example.com/babysea/{index + 1}",
            [WebhookEvents.Completed, WebhookEvents.Failed, WebhookEvents.Canceled], true, WebhookSigner.NewSecret(), from, from, 0, null, null);

    /// <summary>
    /// Each generation's admission and its end as two steps, in time order across generations (an end waits until every
    /// admission before it), as the appliance would have written them: the ledger's balance chain then holds in entry order.
    /// </summary>
    public IEnumerable<Step> GenerationSteps(string[] accounts, int count, DateTimeOffset from, DateTimeOffset now)
    {
        var ends = new PriorityQueue<Generation, DateTimeOffset>();
        foreach (var g in Times(count, from, now).Select(at => Generation(Account(accounts), at, now)))
        {
            while (ends.TryPeek(out _, out var at) && at <= g.CreatedAt) yield return new Step(ends.Dequeue(), true);
            yield return new Step(g, false);
            ends.Enqueue(g, g.CompletedAt!.Value);
        }
        while (ends.Count > 0) yield return new Step(ends.Dequeue(), true);
    }

    /// <summary>Request log entries in time order.</summary>
    public IEnumerable<RequestLogEntry> Requests(string[] accounts, int count, DateTimeOffset from, DateTimeOffset now)
        => Times(count, from, now).Select(at => Request(Account(accounts), at));

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
