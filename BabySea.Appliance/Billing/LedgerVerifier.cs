using BabySea.Appliance.Accounts;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Billing;

/// <summary>
/// Checks the money invariants of DESIGN §3. <see cref="Run"/> (the <c>verify</c> verb) recomputes every balance from its
/// ledger: balance = sum of deltas and never negative, amounts to 3 decimals, one reserve per priced generation, then
/// exactly one charge (succeeded) or one refund (failed, canceled), and no ledger entry for a generation that does not
/// exist (or was removed by retention). <see cref="RunSinceCheckpoints"/> (every start) walks only the entries written since the last check, so a start
/// reads nothing proportional to history.
/// </summary>
public sealed class LedgerVerifier(IAccountStore accounts, ILedgerStore ledger, IGenerationStore generations, IRetentionStore retention)
{
    private const int Batch = 1000;

    // Walks of an account that another node keeps writing to, before the start-up check leaves it to the full verify.
    private const int SettleRounds = 3;

    public sealed record Report(int AccountsChecked, int GenerationsChecked, int EntriesChecked, IReadOnlyList<string> Violations)
    {
        public bool Ok => Violations.Count == 0;
    }

    public async Task<Report> RunAsync(CancellationToken ct)
    {
        var violations = new List<string>();
        var checkpoints = new List<LedgerCheckpoint>();
        int generationCount = 0, entryCount = 0;
        var all = await accounts.ListAccountsAsync(ct);
        foreach (var account in all)
        {
            var before = violations.Count;
            var entries = await ledger.EntriesAsync(account.Id, ct);
            entryCount += entries.Count;
            var sum = entries.Sum(e => e.Delta);
            if (sum != account.Balance) violations.Add($"account {account.Id}: balance {account.Balance} but its ledger sums to {sum}");
            if (account.Balance < 0) violations.Add($"account {account.Id}: negative balance {account.Balance}");
            foreach (var e in entries.Where(e => !Credits.HasValidScale(e.Amount)))
                violations.Add($"ledger entry {e.Id}: amount {e.Amount} has more than 3 decimals");

            var items = (await generations.ListAsync(account.Id, int.MaxValue, 0, ct)).Items;
            generationCount += items.Count;
            var byGeneration = entries.Where(e => e.GenerationId is not null).ToLookup(e => e.GenerationId!);
            foreach (var g in items)
            {
                var mine = byGeneration[g.Id].ToArray();
                int Count(LedgerType t) => mine.Count(e => e.Type == t);
                var (reserves, charges, refunds) = (Count(LedgerType.Reserve), Count(LedgerType.Charge), Count(LedgerType.Refund));
                var expected = g.Cost == 0 ? (0, 0, 0) : g.Status switch
                {
                    GenerationStatus.Succeeded => (1, 1, 0),
                    GenerationStatus.Failed or GenerationStatus.Canceled => (1, 0, 1),
                    _ => (1, 0, 0),
                };
                if ((reserves, charges, refunds) != expected)
                    violations.Add($"generation {g.Id} ({g.Status.Name()}): {reserves} reserve, {charges} charge, {refunds} refund; expected {expected.Item1}/{expected.Item2}/{expected.Item3}");
                if (mine.Any(e => e.Amount != g.Cost))
                    violations.Add($"generation {g.Id}: a ledger movement differs from its cost {g.Cost}");
            }
            var known = items.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
            // Retention removes finished generations before their ledger entries; only an entry newer than the sweep needs its generation.
            var swept = await retention.SweptUntilAsync(account.Id, "generations", ct) ?? DateTimeOffset.MinValue;
            foreach (var orphan in byGeneration.Where(x => !known.Contains(x.Key) && x.Any(e => e.CreatedAt >= swept)).Select(x => x.Key))
                violations.Add($"account {account.Id}: ledger entries for unknown generation {orphan}");
            if (violations.Count == before) checkpoints.Add(new LedgerCheckpoint(account.Id, entries.Count > 0 ? entries[^1].Id : null, account.Balance));
        }
        await ledger.SaveCheckpointsAsync(checkpoints, ct);
        return new Report(all.Count, generationCount, entryCount, violations);
    }

    /// <summary>
    /// For each account whose ledger moved since its checkpoint, walks the entries after it: each one's balance_after must be
    /// the previous plus its delta, amounts have 3 decimals, and the last must equal the balance, never negative. Accounts
    /// that pass move their checkpoint.
    /// </summary>
    public async Task<Report> RunSinceCheckpointsAsync(CancellationToken ct)
    {
        var violations = new List<string>();
        var moved = new List<LedgerCheckpoint>();
        int touched = 0, entryCount = 0;
        foreach (var checkpoint in await ledger.MovedSinceCheckpointsAsync(ct))
        {
            var accountId = checkpoint.AccountId;
            var (last, running, before) = (checkpoint.LastEntryId, checkpoint.Balance, violations.Count);
            // Another node sharing the database may be writing to the account meanwhile: the balance is read after the
            // walk and the walk goes on while it moved; an account that keeps moving is left to the full verify.
            decimal? balance = null;
            var settled = false;
            for (var round = 0; round < SettleRounds && !settled; round++)
            {
                var read = 0;
                for (var page = await ledger.AfterAsync(accountId, last, Batch, ct); page.Count > 0; page = await ledger.AfterAsync(accountId, last, Batch, ct))
                {
                    read += page.Count;
                    foreach (var e in page)
                    {
                        running += e.Delta;
                        if (e.BalanceAfter != running) violations.Add($"ledger entry {e.Id}: balance_after {e.BalanceAfter} but the entries before it sum to {running}");
                        if (!Credits.HasValidScale(e.Amount)) violations.Add($"ledger entry {e.Id}: amount {e.Amount} has more than 3 decimals");
                    }
                    entryCount += page.Count;
                    last = page[^1].Id;
                }
                var previous = balance;
                balance = (await accounts.FindAccountAsync(accountId, ct))?.Balance ?? running;
                // Nothing new since the last look: a difference now is the ledger's, not a writer's.
                settled = balance == running || violations.Count > before || (read == 0 && previous == balance);
            }
            if (!settled || (last == checkpoint.LastEntryId && running == balance)) continue;
            touched++;
            if (running != balance) violations.Add($"account {accountId}: balance {balance} but its ledger sums to {running}");
            if (balance < 0) violations.Add($"account {accountId}: negative balance {balance}");
            if (violations.Count == before) moved.Add(new LedgerCheckpoint(accountId, last, running));
        }
        if (moved.Count > 0) await ledger.SaveCheckpointsAsync(moved, ct);
        return new Report(touched, 0, entryCount, violations);
    }
}
