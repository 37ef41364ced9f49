using BabySea.Appliance.Billing;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Writes a ledger movement and the account balance it changes. Always called inside a writer transaction,
/// together with the state change the movement pays for. The unique <c>movement_key</c> makes a second
/// reserve, charge or refund for one generation impossible, whatever the caller does.
/// </summary>
internal static class LedgerRows
{
    /// <param name="grantKey">For grants that must happen once (a period's renewal): the unique key that makes a second one impossible.</param>
    public static LedgerEntry Apply(LiteStore store, string accountId, LedgerType type, decimal amount, string? generationId,
        string description, DateTimeOffset now, string? grantKey = null)
    {
        var accounts = store.Collection(Schema.Accounts);
        var account = accounts.FindById(accountId) ?? throw new InvalidOperationException($"Account {accountId} does not exist.");
        var delta = type switch
        {
            LedgerType.Reserve => -amount,
            LedgerType.Charge => 0m,
            _ => amount,
        };
        var balance = account["balance"].AsDecimal + delta;
        if (balance < 0) throw new InvalidOperationException($"Ledger movement would make account {accountId} negative.");
        account["balance"] = balance;
        account["updated_at"] = Bson.Time(now);
        accounts.Update(account);

        var id = ObjectId.NewObjectId();
        var entry = new LedgerEntry(id.ToString(), accountId, type, amount, delta, balance, generationId, description, now);
        store.Collection(Schema.Ledger).Insert(ToDocument(entry, id, grantKey));
        return entry;
    }

    public static string TypeName(LedgerType t) => t.ToString().ToLowerInvariant();

    public static bool GrantExists(LiteStore store, string grantKey)
        => store.Collection(Schema.Ledger).Exists(BsonExpression.Create("movement_key = @0", grantKey));

    private static BsonDocument ToDocument(LedgerEntry e, ObjectId id, string? grantKey) => new()
    {
        ["_id"] = id,
        ["account_id"] = e.AccountId,
        ["type"] = TypeName(e.Type),
        ["amount"] = e.Amount,
        ["delta"] = e.Delta,
        ["balance_after"] = e.BalanceAfter,
        ["generation_id"] = Bson.Str(e.GenerationId),
        ["description"] = e.Description,
        ["created_at"] = Bson.Time(e.CreatedAt),
        ["movement_key"] = e.GenerationId is { } g ? $"{g}:{TypeName(e.Type)}" : grantKey ?? $"grant:{id}",
    };

    public static LedgerEntry FromDocument(BsonDocument d) => new(
        d["_id"].AsObjectId.ToString(),
        d["account_id"].AsString,
        Enum.Parse<LedgerType>(d["type"].AsString, ignoreCase: true),
        d["amount"].AsDecimal,
        d["delta"].AsDecimal,
        d["balance_after"].AsDecimal,
        d.OptString("generation_id"),
        d["description"].AsString,
        d.Time("created_at"));
}
