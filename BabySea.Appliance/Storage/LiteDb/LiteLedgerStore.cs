using BabySea.Appliance.Billing;
namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteLedgerStore(LiteStore store, WriteQueue writer, TimeProvider time) : ILedgerStore
{
    public Task<LedgerEntry?> AddCreditsAsync(string accountId, decimal amount, string description, CancellationToken ct)
        => writer.RunAsync(s => s.Collection(Schema.Accounts).FindById(accountId) is null
            ? null
            : LedgerRows.Apply(s, new LedgerMovement(accountId, LedgerType.Add, amount, null, description), time.GetUtcNow()));

    public Task<LedgerEntry?> GrantOnceAsync(string accountId, decimal amount, string grantKey, string description, CancellationToken ct)
        => writer.RunAsync(s => s.Collection(Schema.Accounts).FindById(accountId) is null || LedgerRows.GrantExists(s, grantKey)
            ? null
            : LedgerRows.Apply(s, new LedgerMovement(accountId, LedgerType.Add, amount, null, description, grantKey), time.GetUtcNow()));

    public IReadOnlyList<LedgerEntry> Entries(string accountId)
        => store.Collection(Schema.Ledger).Query().Where("account_id = @0", accountId).OrderBy("_id")
            .ToEnumerable().Select(LedgerRows.FromDocument).ToArray();
}
