using BabySea.Appliance.Analytics;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Webhooks;
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
        var crossed = CheckAlerts(account, balance);
        accounts.Update(account);
        if (crossed.Count > 0) Announce(store, accountId, balance, crossed, now);

        var id = ObjectId.NewObjectId();
        var entry = new LedgerEntry(id.ToString(), accountId, type, amount, delta, balance, generationId, description, now);
        store.Collection(Schema.Ledger).Insert(ToDocument(entry, id, grantKey));
        RollupRows.Apply(store, RollupRules.ForLedger(entry));
        return entry;
    }

    public static string TypeName(LedgerType t) => t.ToString().ToLowerInvariant();

    public static LowBalanceAlerts.Settings AlertSettings(BsonDocument account)
        => account["alert_thresholds"].IsArray
            ? new(account["alerts_enabled"].IsBoolean ? account["alerts_enabled"].AsBoolean : true,
                account["alert_thresholds"].AsArray.Select(v => v.AsDecimal).ToArray(), true)
            : new(account["alerts_enabled"].IsBoolean ? account["alerts_enabled"].AsBoolean : true, LowBalanceAlerts.DefaultThresholds, false);

    // Updates the fired set on the account document; returns the thresholds this balance crosses now.
    private static IReadOnlyList<decimal> CheckAlerts(BsonDocument account, decimal balance)
    {
        var fired = account["alerts_fired"].IsArray ? account["alerts_fired"].AsArray.Select(v => v.AsDecimal).ToArray() : [];
        var (crossed, nowFired) = LowBalanceAlerts.Evaluate(AlertSettings(account), fired, balance);
        account["alerts_fired"] = new BsonArray(nowFired.Select(t => new BsonValue(t)));
        return crossed;
    }

    private static void Announce(LiteStore store, string accountId, decimal balance, IReadOnlyList<decimal> crossed, DateTimeOffset now)
    {
        store.Collection(Schema.Activity).Insert(new BsonDocument
        {
            ["account_id"] = accountId,
            ["category"] = "credit",
            ["action"] = "low_balance",
            ["description"] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Balance {balance:0.000} dropped below {string.Join(", ", crossed.Select(t => t.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}"),
            ["at"] = Bson.Time(now),
        });
        OutboxRows.Stage(store, WebhookEvents.LowBalanceCrossed(accountId, balance, crossed), now);
    }

    public static bool GrantExists(LiteStore store, string grantKey)
        => store.Collection(Schema.Ledger).Exists(BsonExpression.Create("movement_key = @0", grantKey));

    private static BsonDocument ToDocument(LedgerEntry e, ObjectId id, string? grantKey) => new()
    {
        ["_id"] = id,
        ["ak"] = e.AccountId + "|" + id,
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
