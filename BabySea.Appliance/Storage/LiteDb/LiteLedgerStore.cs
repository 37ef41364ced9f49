using BabySea.Appliance.Billing;
using LiteDB;
namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteLedgerStore(LiteStore store, WriteQueue writer, TimeProvider time) : ILedgerStore
{
    public Task<LedgerEntry?> AddCreditsAsync(string accountId, decimal amount, string description, CancellationToken ct)
        => writer.RunAsync(s => AccountRows.Find(s, accountId) is null
            ? null
            : LedgerRows.Apply(s, new LedgerMovement(accountId, LedgerType.Add, amount, null, description), time.GetUtcNow()));

    public Task<LedgerEntry?> GrantOnceAsync(string accountId, decimal amount, string grantKey, string description, CancellationToken ct)
        => writer.RunAsync(s => AccountRows.Find(s, accountId) is null || LedgerRows.GrantExists(s, grantKey)
            ? null
            : LedgerRows.Apply(s, new LedgerMovement(accountId, LedgerType.Add, amount, null, description, grantKey), time.GetUtcNow()));

    public Task<IReadOnlyList<LedgerEntry>> EntriesAsync(string accountId, CancellationToken ct)
        => Task.FromResult<IReadOnlyList<LedgerEntry>>(store.Collection(Schema.Ledger).Query().Where(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", accountId + "|~")).OrderBy("ak")
            .ToEnumerable().Select(LedgerRows.FromDocument).ToArray());

    public Task<IReadOnlyList<LedgerEntry>> AfterAsync(string accountId, string? afterId, int limit, CancellationToken ct)
        => Task.FromResult<IReadOnlyList<LedgerEntry>>(store.Collection(Schema.Ledger).Query()
            .Where(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|" + (afterId ?? ""), accountId + "|~")).OrderBy("ak")
            .Limit(limit).ToEnumerable().Select(LedgerRows.FromDocument).ToArray());

    public Task<IReadOnlyList<LedgerCheckpoint>> MovedSinceCheckpointsAsync(CancellationToken ct)
    {
        var checkpoints = store.Collection(Schema.LedgerCheckpoints).FindAll()
            .ToDictionary(d => d["_id"].AsString, d => new LedgerCheckpoint(d["_id"].AsString, d.OptString("last_entry_id"), d["balance"].AsDecimal), StringComparer.Ordinal);
        var moved = new List<LedgerCheckpoint>();
        foreach (var account in store.Collection(Schema.Accounts).FindAll())
        {
            var id = account["_id"].AsString;
            var checkpoint = checkpoints.GetValueOrDefault(id) ?? new LedgerCheckpoint(id, null, 0m);
            if (account.OptString(LedgerRows.TipField) != checkpoint.LastEntryId || account["balance"].AsDecimal != checkpoint.Balance) moved.Add(checkpoint);
        }
        return Task.FromResult<IReadOnlyList<LedgerCheckpoint>>(moved);
    }

    public Task SaveCheckpointsAsync(IReadOnlyList<LedgerCheckpoint> checkpoints, CancellationToken ct)
        => writer.RunAsync(s => s.Collection(Schema.LedgerCheckpoints).Upsert(checkpoints.Select(c => new BsonDocument
        {
            ["_id"] = c.AccountId,
            ["last_entry_id"] = Bson.Str(c.LastEntryId),
            ["balance"] = c.Balance,
            ["at"] = Bson.Time(time.GetUtcNow()),
        })));

    public Task<IReadOnlyList<LedgerEntry>> PageAsync(string accountId, string? cursor, int limit, CancellationToken ct)
        => Task.FromResult<IReadOnlyList<LedgerEntry>>(store.Collection(Schema.Ledger).Query()
            .Where(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", accountId + "|" + (cursor ?? "~"))).OrderByDescending("ak")
            .Limit(limit).ToEnumerable().Select(LedgerRows.FromDocument).ToArray());
}
