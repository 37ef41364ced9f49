using BabySea.Appliance.Accounts;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Billing;

/// <summary>
/// Recomputes every balance from its ledger and checks the money invariants of DESIGN §3: balance = sum of
/// deltas and never negative, amounts to 3 decimals, one reserve per priced generation, then exactly one charge
/// (succeeded) or one refund (failed, canceled), and no ledger entry for a generation that does not exist.
/// </summary>
public sealed class LedgerVerifier(IAccountStore accounts, ILedgerStore ledger, IGenerationStore generations)
{
    public sealed record Report(int AccountsChecked, int GenerationsChecked, int EntriesChecked, IReadOnlyList<string> Violations)
    {
        public bool Ok => Violations.Count == 0;
    }

    public async Task<Report> RunAsync(CancellationToken ct)
    {
        var violations = new List<string>();
        int generationCount = 0, entryCount = 0;
        foreach (var account in accounts.ListAccounts())
        {
            var entries = ledger.Entries(account.Id);
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
            foreach (var orphan in byGeneration.Select(x => x.Key).Where(id => !known.Contains(id)))
                violations.Add($"account {account.Id}: ledger entries for unknown generation {orphan}");
        }
        return new Report(accounts.ListAccounts().Count, generationCount, entryCount, violations);
    }
}
