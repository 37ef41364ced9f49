using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// Applies admission and lifecycle decisions, each in one transaction with the ledger rows and outbox rows they imply.
/// Admission and every transition lock the account row first, then the generation row: creates, charges and refunds of
/// one account are serialised across processes (caps and balances hold as on one node), and the order is always the same,
/// so they never deadlock. Leases are columns checked and set under the generation's row lock.
/// </summary>
public sealed class PgGenerationStore(PgDatabase db, TimeProvider time, OutboxSignal outbox, IRollupStore rollups) : IGenerationStore
{
    private const string Open = "status IN ('pending', 'processing')";

    public Task<CreateOutcome> CreateAsync(Generation generation, int maxInFlight, IdempotencyClaim? idempotency, CancellationToken ct)
        => Announce(async tx =>
        {
            var now = time.GetUtcNow();
            var account = await PgLedgerRows.LockAccountAsync(tx, generation.AccountId);
            var facts = new AdmissionFacts(
                idempotency is null ? null : await PgIdempotencyStore.ReadAsync(tx.Command(PgIdempotencyStore.FindSql, generation.AccountId, idempotency.Key, now)),
                account?.Balance,
                (int)await tx.Command($"SELECT count(*) FROM generations WHERE account_id = $1 AND media_type = $2 AND {Open}",
                    generation.AccountId, generation.MediaType.Name()).ScalarAsync<long>());
            var outcome = Admission.Decide(generation, idempotency, maxInFlight, facts);
            if (outcome is not CreateOutcome.Created) return outcome;
            if (Lifecycle.Reserve(generation) is { } reserve) await PgLedgerRows.ApplyAsync(tx, reserve, generation.CreatedAt, account);
            await PgGenerationRows.InsertAsync(tx, generation);
            tx.Count(RollupRules.ForCreated(generation));
            if (idempotency is not null) await PgIdempotencyStore.RecordAsync(tx, generation.AccountId, idempotency, generation.Id, now);
            return outcome;
        });

    public Task<TransitionOutcome> ApplyAsync(string generationId, LifecycleEvent e, string? accountId, CancellationToken ct)
        => Announce<TransitionOutcome>(async tx =>
        {
            if (await LockAsync(tx, generationId) is not { } current) return new TransitionOutcome.NotFound();
            if (accountId is not null && current.AccountId != accountId) return new TransitionOutcome.NotFound();
            var now = time.GetUtcNow();
            if (Lifecycle.Decide(current, e, now) is not LifecycleDecision.Changed change) return new TransitionOutcome.Refused(current);
            await PgGenerationRows.UpdateAsync(tx, change.Next);
            // A terminal generation needs no worker: its lease goes with the change.
            if (change.Next.Status.IsTerminal())
                await tx.Command("UPDATE generations SET lease_owner = NULL, lease_until = NULL WHERE id = $1", generationId).RunAsync();
            tx.Count(RollupRules.ForTransition(current, change.Next));
            if (change.Pays is { } movement) await PgLedgerRows.ApplyAsync(tx, movement, now);
            if (change.Emits is { } emitted) await PgOutboxRows.StageAsync(tx, WebhookEvents.For(emitted, change.Next), now);
            return new TransitionOutcome.Applied(change.Next);
        });

    public Task<Generation?> FindAsync(string generationId, string? accountId, CancellationToken ct)
        => db.ReadAsync(async c => await c.Command($"SELECT {PgGenerationRows.Columns} FROM generations WHERE id = $1", generationId)
            .FirstAsync(r => PgGenerationRows.FromRow(r), ct) is { } g && (accountId is null || g.AccountId == accountId) ? g : null, ct);

    public async Task<GenerationPage> ListAsync(string accountId, int limit, int offset, CancellationToken ct)
    {
        var totals = await rollups.TotalAsync(accountId, ct);
        var total = (int)(totals.Count("gen|created") - totals.Count("gen|deleted"));
        var items = await db.ReadAsync(c => c.Command($"SELECT {PgGenerationRows.Columns} FROM generations WHERE account_id = $1 ORDER BY id DESC OFFSET $2 LIMIT $3",
            accountId, (long)offset, (long)limit).ListAsync(r => PgGenerationRows.FromRow(r), ct), ct);
        return new GenerationPage(items, total);
    }

    public Task<Generation?> ClaimAsync(string generationId, string owner, DateTimeOffset until, Func<Generation, Attempt?>? opening, CancellationToken ct)
        => Announce(async tx =>
        {
            // The generation's row lock alone: taking the lease moves no money. Under it, the lease check and the lease write
            // are one step, so two processes claiming at once never both hold the generation.
            var row = await tx.Command($"SELECT lease_owner, lease_until, {PgGenerationRows.Columns} FROM generations WHERE id = $1 FOR UPDATE", generationId)
                .FirstAsync(r => new LeasedRow(r.OptString(0), r.OptTime(1), PgGenerationRows.FromRow(r, 2)));
            if (row is null) return null;
            var g = row.Generation;
            var now = time.GetUtcNow();
            if (g.Status.IsTerminal() || row.HeldByOther(owner, now)) return null;
            if (Lifecycle.Decide(g, new LifecycleEvent.Start(), now) is LifecycleDecision.Changed started)
            {
                await PgGenerationRows.UpdateAsync(tx, started.Next);
                tx.Count(RollupRules.ForTransition(g, started.Next));
                if (started.Emits is { } emitted) await PgOutboxRows.StageAsync(tx, WebhookEvents.For(emitted, started.Next), now);
                g = started.Next;
            }
            if (opening?.Invoke(g) is { } attempt && Lifecycle.Decide(g, new LifecycleEvent.AttemptRecorded(attempt), now) is LifecycleDecision.Changed recorded)
            {
                await PgGenerationRows.UpdateAsync(tx, recorded.Next);
                g = recorded.Next;
            }
            await tx.Command("UPDATE generations SET lease_owner = $2, lease_until = $3 WHERE id = $1", generationId, owner, until).RunAsync();
            return g;
        });

    public Task RenewAsync(string owner, IReadOnlyCollection<string> generationIds, DateTimeOffset until, CancellationToken ct)
        => generationIds.Count == 0 ? Task.CompletedTask
            : db.WriteAsync(tx => tx.Command("UPDATE generations SET lease_until = $3 WHERE id = ANY($1) AND lease_owner = $2",
                generationIds.Order(StringComparer.Ordinal).ToArray(), owner, until).RunAsync());

    public Task ReleaseAsync(string generationId, string owner, CancellationToken ct)
        => db.WriteAsync(tx => tx.Command("UPDATE generations SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2", generationId, owner)
            .RunAsync());

    public async Task<IReadOnlyList<Generation>> UnclaimedAsync(DateTimeOffset now, string? includeOwnedBy, CancellationToken ct)
        // Non-terminal generations are bounded by the in-flight caps, not by history: the partial index holds only them.
        => await db.ReadAsync(c => c.Command($"""
            SELECT {PgGenerationRows.Columns} FROM generations
            WHERE {Open} AND NOT (lease_owner IS NOT NULL AND lease_owner IS DISTINCT FROM $2 AND lease_until > $1)
            ORDER BY id
            """, now, includeOwnedBy).ListAsync(r => PgGenerationRows.FromRow(r), ct), ct);

    /// <summary>The account's row, then the generation's, locked in that order; null when the generation does not exist.</summary>
    private static async Task<Generation?> LockAsync(PgTransaction tx, string generationId)
    {
        // A generation never changes account, so reading it unlocked tells which account row to lock first.
        if (await tx.Command("SELECT account_id FROM generations WHERE id = $1", generationId).FirstAsync(r => r.GetString(0)) is not { } accountId) return null;
        await tx.Command("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", accountId).RunAsync();
        return await tx.Command($"SELECT {PgGenerationRows.Columns} FROM generations WHERE id = $1 FOR UPDATE", generationId)
            .FirstAsync(r => PgGenerationRows.FromRow(r));
    }

    // Wakes the webhook dispatcher after a commit that staged deliveries; most steps of a generation stage none.
    private async Task<T> Announce<T>(Func<PgTransaction, Task<T>> work)
    {
        var staged = false;
        var result = await db.WriteAsync(async tx =>
        {
            var value = await work(tx);
            staged = tx.StagedDeliveries > 0;
            return value;
        });
        if (staged) outbox.Notify();
        return result;
    }

    private sealed record LeasedRow(string? Owner, DateTimeOffset? Until, Generation Generation)
    {
        public bool HeldByOther(string owner, DateTimeOffset now) => Owner is not null && Owner != owner && Until > now;
    }
}
