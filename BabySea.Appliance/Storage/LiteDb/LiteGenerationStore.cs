using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Applies admission and lifecycle decisions, each in one writer transaction with the ledger rows and outbox rows they
/// imply. Reads are answered at once from the open database; they are tasks so that a networked engine fits the seam.
/// </summary>
public sealed class LiteGenerationStore(LiteStore store, WriteQueue writer, TimeProvider time, OutboxSignal outbox, IRollupStore rollups) : IGenerationStore
{
    public Task<CreateOutcome> CreateAsync(Generation generation, int maxInFlight, IdempotencyClaim? idempotency, CancellationToken ct)
        => Announce(s =>
        {
            var now = time.GetUtcNow();
            var facts = new AdmissionFacts(
                idempotency is null ? null : LiteIdempotencyStore.Read(s, generation.AccountId, idempotency.Key, now),
                AccountRows.Find(s, generation.AccountId)?["balance"].AsDecimal,
                InFlight(s, generation.AccountId, generation.MediaType));
            var outcome = Admission.Decide(generation, idempotency, maxInFlight, facts);
            if (outcome is not CreateOutcome.Created) return outcome;
            if (Lifecycle.Reserve(generation) is { } reserve) LedgerRows.Apply(s, reserve, generation.CreatedAt);
            var doc = GenerationDocuments.ToDocument(generation);
            s.Collection(Schema.Generations).Insert(doc);
            s.Slots.Moved(null, doc["slot"].AsString);
            RollupRows.Apply(s, RollupRules.ForCreated(generation));
            if (idempotency is not null) LiteIdempotencyStore.Record(s, generation.AccountId, idempotency, generation.Id, now);
            return outcome;
        });

    public Task<TransitionOutcome> ApplyAsync(string generationId, LifecycleEvent e, string? accountId, CancellationToken ct)
        => Announce<TransitionOutcome>(s =>
        {
            var generations = s.Collection(Schema.Generations);
            if (generations.ById(generationId) is not { } stored) return new TransitionOutcome.NotFound();
            var current = GenerationDocuments.FromDocument(stored);
            if (accountId is not null && current.AccountId != accountId) return new TransitionOutcome.NotFound();
            var now = time.GetUtcNow();
            if (Lifecycle.Decide(current, e, now) is not LifecycleDecision.Changed change) return new TransitionOutcome.Refused(current);
            var doc = GenerationDocuments.ToDocument(change.Next);
            // A terminal generation needs no worker: its lease goes with the change.
            if (!change.Next.Status.IsTerminal()) CopyLease(stored, doc);
            generations.Update(doc);
            s.Slots.Moved(stored["slot"].AsString, doc["slot"].AsString);
            RollupRows.Apply(s, RollupRules.ForTransition(current, change.Next));
            if (change.Pays is { } movement) LedgerRows.Apply(s, movement, now);
            if (change.Emits is { } emitted) OutboxRows.Stage(s, WebhookEvents.For(emitted, change.Next), now);
            return new TransitionOutcome.Applied(change.Next);
        });

    public Task<Generation?> FindAsync(string generationId, string? accountId, CancellationToken ct)
        => Task.FromResult(Load(store, generationId) is { } g && (accountId is null || g.AccountId == accountId) ? g : null);

    public async Task<GenerationPage> ListAsync(string accountId, int limit, int offset, CancellationToken ct)
    {
        var generations = store.Collection(Schema.Generations);
        var totals = await rollups.TotalAsync(accountId, ct);
        var total = (int)(totals.Count("gen|created") - totals.Count("gen|deleted"));
        var (before, skip) = offset < ListSeek.From ? (null, offset)
            : await ListSeek.FindAsync(rollups, accountId, offset, totals.Count("gen|created"),
                LiteRetentionStore.SweptUntil(store, accountId, "generations") ?? DateTimeOffset.MinValue, time.GetUtcNow(), ct);
        // The walk down the "ak" index (account|UUIDv7, so newest first) reads index keys only; only the page's own documents
        // are loaded. No key equals either bound, so BETWEEN alone is exact and no filter runs on each key the offset skips.
        var upper = accountId + "|" + (before is { } t ? TimeOrderedIds.Floor(t) : "~");
        var ids = generations.Query().Where(BsonExpression.Create("ak BETWEEN @0 AND @1", accountId + "|", upper))
            .OrderByDescending("ak").Select("ak").Offset(skip).Limit(limit).ToEnumerable()
            .Select(d => d["ak"].AsString[(accountId.Length + 1)..]).ToArray();
        var items = ids.Select(id => generations.ById(id)).OfType<BsonDocument>().Select(GenerationDocuments.FromDocument).ToArray();
        return new GenerationPage(items, total);
    }

    public Task<Generation?> ClaimAsync(string generationId, string owner, DateTimeOffset until, Func<Generation, Attempt?>? opening, CancellationToken ct)
        => Announce(s =>
        {
            var generations = s.Collection(Schema.Generations);
            if (generations.ById(generationId) is not { } stored) return null;
            var g = GenerationDocuments.FromDocument(stored);
            var now = time.GetUtcNow();
            if (g.Status.IsTerminal() || HeldByOther(stored, owner, now)) return null;
            var claimed = g;
            if (Lifecycle.Decide(g, new LifecycleEvent.Start(), now) is LifecycleDecision.Changed started)
            {
                RollupRows.Apply(s, RollupRules.ForTransition(g, started.Next));
                if (started.Emits is { } emitted) OutboxRows.Stage(s, WebhookEvents.For(emitted, started.Next), now);
                claimed = started.Next;
            }
            if (opening?.Invoke(claimed) is { } attempt
                && Lifecycle.Decide(claimed, new LifecycleEvent.AttemptRecorded(attempt), now) is LifecycleDecision.Changed recorded)
                claimed = recorded.Next;
            var doc = ReferenceEquals(claimed, g) ? stored : GenerationDocuments.ToDocument(claimed);
            doc["lease_owner"] = owner;
            doc["lease_until"] = Bson.Time(until);
            generations.Update(doc);
            return claimed;
        });

    public Task RenewAsync(string owner, IReadOnlyCollection<string> generationIds, DateTimeOffset until, CancellationToken ct)
        => generationIds.Count == 0 ? Task.CompletedTask : writer.RunAsync(s =>
        {
            var generations = s.Collection(Schema.Generations);
            foreach (var id in generationIds)
                if (generations.ById(id) is { } doc && doc["lease_owner"] == owner)
                {
                    doc["lease_until"] = Bson.Time(until);
                    generations.Update(doc);
                }
            return true;
        });

    public Task ReleaseAsync(string generationId, string owner, CancellationToken ct)
        => writer.RunAsync(s =>
        {
            var generations = s.Collection(Schema.Generations);
            if (generations.ById(generationId) is not { } doc || doc["lease_owner"] != owner) return false;
            doc["lease_owner"] = BsonValue.Null;
            doc["lease_until"] = BsonValue.Null;
            return generations.Update(doc);
        });

    public Task<IReadOnlyList<Generation>> UnclaimedAsync(DateTimeOffset now, string? includeOwnedBy, CancellationToken ct)
        // Non-terminal generations are bounded by the in-flight caps, not by history; the status index finds them, one
        // status at a time: LiteDB answers an OR of two equalities with a scan of the whole collection.
        => Task.FromResult<IReadOnlyList<Generation>>(new[] { "pending", "processing" }
            .SelectMany(status => store.Collection(Schema.Generations).Find(BsonExpression.Create("status = @0", status)))
            .Where(d => !HeldByOther(d, includeOwnedBy, now))
            .Select(GenerationDocuments.FromDocument).OrderBy(g => g.Id, StringComparer.Ordinal).ToArray());

    // Counted on the slot index's keys alone (Count() would load every in-flight record), once per slot: see SlotCounts.
    private static int InFlight(LiteStore s, string accountId, MediaType type)
        => s.Slots.Count(GenerationDocuments.Slot(accountId, type, "active"), slot => s.Collection(Schema.Generations).Query()
            .Where(BsonExpression.Create("slot = @0", slot)).Select("slot").ToEnumerable().Count());

    private static bool HeldByOther(BsonDocument doc, string? owner, DateTimeOffset now)
        => doc["lease_owner"].IsString && doc["lease_owner"].AsString != owner && doc.OptTime("lease_until") > now;

    private static void CopyLease(BsonDocument from, BsonDocument to)
    {
        to["lease_owner"] = from["lease_owner"];
        to["lease_until"] = from["lease_until"];
    }

    // Wakes the webhook dispatcher after a commit that staged deliveries, naming their endpoints; most steps of a
    // generation stage none, and a wake-up for nothing still costs the dispatcher a look at the pending deliveries.
    private async Task<T> Announce<T>(Func<LiteStore, T> command)
    {
        var (result, staged) = await writer.RunAsync(s =>
        {
            var before = s.StagedFor.Count;
            var result = command(s);
            return (result, s.StagedFor.Count == before ? null : s.StagedFor[before..]);
        });
        if (staged is not null) outbox.Notify(staged);
        return result;
    }

    private static Generation? Load(LiteStore s, string id)
        => s.Collection(Schema.Generations).ById(id) is { } d ? GenerationDocuments.FromDocument(d) : null;
}
