using BabySea.Appliance.Accounts;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Tests.Support;

/// <summary>The money invariants of DESIGN.md §3, checked against the stored ledger after a scenario.</summary>
public static class Invariants
{
    public static async Task CheckAsync(IAccountStore accounts, ILedgerStore ledger, IGenerationStore generations)
    {
        foreach (var account in await accounts.ListAccountsAsync(CancellationToken.None))
        {
            var entries = await ledger.EntriesAsync(account.Id, CancellationToken.None);
            Assert.Equal(account.Balance, entries.Sum(e => e.Delta));
            Assert.True(account.Balance >= 0, $"account {account.Id} is negative");
            Assert.All(entries, e => Assert.Equal(decimal.Round(e.Amount, 3), e.Amount));

            var items = (await generations.ListAsync(account.Id, int.MaxValue, 0, CancellationToken.None)).Items;
            foreach (var g in items.Where(g => g.Cost > 0))
            {
                var mine = entries.Where(e => e.GenerationId == g.Id).ToArray();
                Assert.Single(mine, e => e.Type == LedgerType.Reserve);
                var charges = mine.Count(e => e.Type == LedgerType.Charge);
                var refunds = mine.Count(e => e.Type == LedgerType.Refund);
                switch (g.Status)
                {
                    case GenerationStatus.Succeeded: Assert.Equal((1, 0), (charges, refunds)); break;
                    case GenerationStatus.Failed or GenerationStatus.Canceled: Assert.Equal((0, 1), (charges, refunds)); break;
                    default: Assert.Equal((0, 0), (charges, refunds)); break;
                }
            }
        }
    }

    public static Task CheckAsync(TestApp app)
        => CheckAsync(app.Service<IAccountStore>(), app.Service<ILedgerStore>(), app.Service<IGenerationStore>());
}
