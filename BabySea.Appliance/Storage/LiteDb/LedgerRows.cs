using BabySea.Appliance.Analytics;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Writes a decided ledger movement, the balance it changes and the low-balance alerts it fires. Always called inside a
/// writer transaction, together with the state change the movement pays for. The unique <c>movement_key</c> makes a second
/// reserve, charge or refund for one generation impossible, whatever the caller does.
/// </summary>
internal static class LedgerRows
{
    /// <summary>
    /// The account row's copy of its newest entry id, written with the entry, so the start-up check finds the accounts
    /// whose ledger moved since their checkpoint without reading the ledger.
    /// </summary>
    public const string TipField = "ledger_tip";

    public static LedgerEntry Apply(LiteStore store, LedgerMovement movement, DateTimeOffset now)
    {
        var account = AccountRows.Find(store, movement.AccountId) ?? throw new InvalidOperationException($"Account {movement.AccountId} does not exist.");
        // The id's timestamp is the movement's, so id order is time order for pages and retention, seeded history included.
        var fresh = ObjectId.NewObjectId();
        var id = new ObjectId((int)Math.Clamp(now.ToUnixTimeSeconds(), 0, int.MaxValue), fresh.Machine, fresh.Pid, fresh.Increment);
        var balance = movement.BalanceAfter(account["balance"].AsDecimal);
        account["balance"] = balance;
        account["updated_at"] = Bson.Time(now);
        account[TipField] = id.ToString();
        var fired = account["alerts_fired"].IsArray ? account["alerts_fired"].AsArray.Select(v => v.AsDecimal).ToArray() : [];
        var (crossed, nowFired) = LowBalanceAlerts.Evaluate(AlertSettings(account), fired, balance);
        account["alerts_fired"] = new BsonArray(nowFired.Select(t => new BsonValue(t)));
        AccountRows.Update(store, account);
        if (crossed.Count > 0)
        {
            ActivityRows.Add(store, movement.AccountId, "credit", "low_balance", LowBalanceAlerts.Describe(balance, crossed), now);
            OutboxRows.Stage(store, WebhookEvents.LowBalanceCrossed(movement.AccountId, balance, crossed), now);
        }

        var entry = new LedgerEntry(id.ToString(), movement.AccountId, movement.Type, movement.Amount, movement.Delta(), balance,
            movement.GenerationId, movement.Description, now);
        store.Collection(Schema.Ledger).Insert(ToDocument(entry, id, movement.GrantKey));
        RollupRows.Apply(store, RollupRules.ForLedger(entry));
        return entry;
    }

    public static LowBalanceAlerts.Settings AlertSettings(BsonDocument account)
        => account["alert_thresholds"].IsArray
            ? new(account["alerts_enabled"].IsBoolean ? account["alerts_enabled"].AsBoolean : true,
                account["alert_thresholds"].AsArray.Select(v => v.AsDecimal).ToArray(), true)
            : new(account["alerts_enabled"].IsBoolean ? account["alerts_enabled"].AsBoolean : true, LowBalanceAlerts.DefaultThresholds, false);

    public static bool GrantExists(LiteStore store, string grantKey)
        => store.Collection(Schema.Ledger).Exists(BsonExpression.Create("movement_key = @0", grantKey));

    private static BsonDocument ToDocument(LedgerEntry e, ObjectId id, string? grantKey) => new()
    {
        ["_id"] = id,
        ["ak"] = e.AccountId + "|" + id,
        ["account_id"] = e.AccountId,
        ["type"] = LedgerMovement.TypeName(e.Type),
        ["amount"] = e.Amount,
        ["delta"] = e.Delta,
        ["balance_after"] = e.BalanceAfter,
        ["generation_id"] = Bson.Str(e.GenerationId),
        ["description"] = e.Description,
        ["created_at"] = Bson.Time(e.CreatedAt),
        ["movement_key"] = e.GenerationId is { } g ? $"{g}:{LedgerMovement.TypeName(e.Type)}" : grantKey ?? $"grant:{id}",
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
