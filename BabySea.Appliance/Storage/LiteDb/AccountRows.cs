using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Account rows as the writer's open transaction reads and changes them. One group commit carries many steps of one
/// account's generations, each reading its balance; the row is read once per transaction and every later step gets the
/// same document. Every writer command that changes an account goes through here, so a step never sees a copy older
/// than what an earlier step of the transaction wrote.
/// </summary>
internal static class AccountRows
{
    public static BsonDocument? Find(LiteStore s, string accountId)
    {
        if (s.TransactionAccounts.TryGetValue(accountId, out var seen)) return seen;
        var d = s.Collection(Schema.Accounts).ById(accountId);
        if (d is not null) s.TransactionAccounts[accountId] = d;
        return d;
    }

    /// <summary>Writes a document <see cref="Find"/> returned and the caller changed.</summary>
    public static void Update(LiteStore s, BsonDocument account) => s.Collection(Schema.Accounts).Update(account);
}
