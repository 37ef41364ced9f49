using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteGenerationStore(LiteStore store, WriteQueue writer, TimeProvider time, OutboxSignal outbox, IRollupStore rollups) : IGenerationStore
{
    public Task<CreateOutcome> CreateAsync(Generation generation, int maxInFlight, IdempotencyClaim? idempotency, CancellationToken ct)
        => writer.RunAsync<CreateOutcome>(s =>
        {
            if (idempotency is not null && LiteIdempotencyStore.Read(s, generation.AccountId, idempotency.Key, time.GetUtcNow()) is { } earlier)
                return earlier.Fingerprint == idempotency.Fingerprint
                    ? new CreateOutcome.Replay(earlier.ResponseJson, earlier.GenerationId)
                    : new CreateOutcome.IdempotencyKeyReused();
            var outcome = Admit(s, generation, maxInFlight);
            if (idempotency is not null && outcome is CreateOutcome.Created)
                LiteIdempotencyStore.Record(s, generation.AccountId, idempotency, generation.Id, time.GetUtcNow());
            return outcome;
        });

    // Every check here and the writes they guard run in one writer transaction, so no concurrent create can slip between.
    private static CreateOutcome Admit(LiteStore s, Generation generation, int maxInFlight)
    {
        if (s.Collection(Schema.Accounts).FindById(generation.AccountId) is not { } account) return new CreateOutcome.AccountMissing();
        var inFlight = s.Collection(Schema.Generations).Count(BsonExpression.Create("slot = @0",
            GenerationDocuments.Slot(generation.AccountId, generation.MediaType, "active")));
        if (inFlight >= maxInFlight) return new CreateOutcome.ConcurrencyLimited(maxInFlight, inFlight);
        var balance = account["balance"].AsDecimal;
        if (balance < generation.Cost) return new CreateOutcome.InsufficientCredits(balance, generation.Cost);
        if (generation.Cost > 0)
            LedgerRows.Apply(s, generation.AccountId, LedgerType.Reserve, generation.Cost, generation.Id,
                $"Reserve for generation {generation.Id} ({generation.ModelIdentifier})", generation.CreatedAt);
        s.Collection(Schema.Generations).Insert(GenerationDocuments.ToDocument(generation));
        RollupRows.Apply(s, RollupRules.ForCreated(generation));
        return new CreateOutcome.Created(generation);
    }

    public Generation? Find(string accountId, string generationId)
        => Get(generationId) is { } g && g.AccountId == accountId ? g : null;

    public Generation? Get(string generationId)
        => store.Collection(Schema.Generations).FindById(generationId) is { } d ? GenerationDocuments.FromDocument(d) : null;

    public (IReadOnlyList<Generation> Items, int Total) List(string accountId, int limit, int offset)
    {
        var generations = store.Collection(Schema.Generations);
        var totals = rollups.Total(accountId);
        var total = (int)(totals.Count("gen|created") - totals.Count("gen|deleted"));
        // The walk down the "ak" index reads index keys only; only the page's own documents are loaded.
        var ids = generations.Query().Where(BsonExpression.Create("ak > @0 AND ak < @1", accountId + "|", accountId + "|~"))
            .OrderByDescending("ak").Select("ak").Offset(offset).Limit(limit).ToEnumerable()
            .Select(d => d["ak"].AsString[(accountId.Length + 1)..]).ToArray();
        var items = ids.Select(id => generations.FindById(id)).Where(d => d is not null).Select(GenerationDocuments.FromDocument).ToArray();
        return (items, total);
    }

    public IReadOnlyList<Generation> NonTerminal()
        => store.Collection(Schema.Generations).Find(BsonExpression.Create("status = @0 OR status = @1", "pending", "processing"))
            .Select(GenerationDocuments.FromDocument).OrderBy(g => g.Id, StringComparer.Ordinal).ToArray();

    public Task<Generation?> MarkProcessingAsync(string generationId, CancellationToken ct)
        => Transition(generationId, [GenerationStatus.Pending], g => g with { Status = GenerationStatus.Processing, StartedAt = time.GetUtcNow() });

    public Task<Generation?> SaveAttemptAsync(string generationId, Attempt attempt, CancellationToken ct)
        => Transition(generationId, [GenerationStatus.Processing], g => g with
        {
            Attempts = [.. g.Attempts.Where(a => a.Number != attempt.Number), attempt],
            PredictionId = attempt.JobId ?? g.PredictionId,
        });

    public Task<Generation?> SucceedAsync(string generationId, Attempt used, IReadOnlyList<Artifact> outputs, double? predictSeconds, CancellationToken ct)
        => Transition(generationId, [GenerationStatus.Processing], g => g with
        {
            Status = GenerationStatus.Succeeded,
            Attempts = [.. g.Attempts.Where(a => a.Number != used.Number), used],
            PredictionId = used.JobId ?? g.PredictionId,
            ProviderUsed = used.Provider,
            Outputs = outputs,
            CompletedAt = time.GetUtcNow(),
            PredictTimeSeconds = predictSeconds,
        }, (s, g) => Move(s, g, LedgerType.Charge, $"Charge for generation {g.Id} ({g.ModelIdentifier})"));

    public Task<Generation?> FailAsync(string generationId, string errorCode, string error, CancellationToken ct)
        => Transition(generationId, [GenerationStatus.Pending, GenerationStatus.Processing], g => g with
        {
            Status = GenerationStatus.Failed,
            ErrorCode = errorCode,
            Error = error,
            CompletedAt = time.GetUtcNow(),
        }, (s, g) => Move(s, g, LedgerType.Refund, $"Refund for failed generation {g.Id}"));

    public Task<CancelOutcome> CancelAsync(string accountId, string generationId, CancellationToken ct)
        => Announce(writer.RunAsync<CancelOutcome>(s =>
        {
            var current = Load(s, generationId);
            if (current is null || current.AccountId != accountId) return new CancelOutcome.NotFound();
            if (current.Status.IsTerminal()) return new CancelOutcome.NotCancelable(current.Status);
            var canceled = current with { Status = GenerationStatus.Canceled, CompletedAt = time.GetUtcNow() };
            s.Collection(Schema.Generations).Update(GenerationDocuments.ToDocument(canceled));
            RollupRows.Apply(s, RollupRules.ForTransition(current, canceled));
            Move(s, canceled, LedgerType.Refund, $"Refund for canceled generation {canceled.Id}");
            Stage(s, canceled);
            return new CancelOutcome.Canceled(canceled);
        }));

    public Task<RemoveOutcome> RemoveAsync(string accountId, string generationId, CancellationToken ct)
        => writer.RunAsync<RemoveOutcome>(s =>
        {
            var current = Load(s, generationId);
            if (current is null || current.AccountId != accountId) return new RemoveOutcome.NotFound();
            if (!current.Status.IsTerminal()) return new RemoveOutcome.NotTerminal(current.Status);
            var removed = current with { Removed = true, Outputs = [] };
            s.Collection(Schema.Generations).Update(GenerationDocuments.ToDocument(removed));
            return new RemoveOutcome.Removed(current);
        });

    private Task<Generation?> Transition(string id, GenerationStatus[] from, Func<Generation, Generation> change,
        Action<LiteStore, Generation>? alongside = null)
        => Announce(writer.RunAsync(s =>
        {
            if (Load(s, id) is not { } current || !from.Contains(current.Status)) return null;
            var next = change(current);
            s.Collection(Schema.Generations).Update(GenerationDocuments.ToDocument(next));
            RollupRows.Apply(s, RollupRules.ForTransition(current, next));
            alongside?.Invoke(s, next);
            if (next.Status != current.Status) Stage(s, next);
            return next;
        }));

    /// <summary>Stages the webhook deliveries a new state announces, in the transaction that writes the state.</summary>
    private void Stage(LiteStore s, Generation g)
    {
        if (WebhookEvents.For(g) is { } e) OutboxRows.Stage(s, e, time.GetUtcNow());
    }

    private async Task<T> Announce<T>(Task<T> write)
    {
        var result = await write;
        outbox.Notify();
        return result;
    }

    private static Generation? Load(LiteStore s, string id)
        => s.Collection(Schema.Generations).FindById(id) is { } d ? GenerationDocuments.FromDocument(d) : null;

    private void Move(LiteStore s, Generation g, LedgerType type, string description)
    {
        if (g.Cost > 0) LedgerRows.Apply(s, g.AccountId, type, g.Cost, g.Id, description, time.GetUtcNow());
    }
}
