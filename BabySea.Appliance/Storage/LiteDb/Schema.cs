using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>Collection names and the indexes behind every query the appliance runs.</summary>
public static class Schema
{
    public const string Accounts = "accounts";
    public const string ApiKeys = "api_keys";
    public const string Ledger = "ledger";
    public const string Generations = "generations";
    public const string RequestLogs = "request_logs";
    public const string Idempotency = "idempotency";
    public const string Activity = "activity";
    public const string WebhookEndpoints = "webhook_endpoints";
    public const string WebhookDeliveries = "webhook_deliveries";

    public static void Ensure(LiteDatabase db)
    {
        db.GetCollection(ApiKeys).EnsureIndex("hash", unique: true);
        db.GetCollection(ApiKeys).EnsureIndex("account_id");
        db.GetCollection(Ledger).EnsureIndex("account_id");
        // One reserve/charge/refund per generation, enforced by the engine rather than by care.
        db.GetCollection(Ledger).EnsureIndex("movement_key", unique: true);
        db.GetCollection(Generations).EnsureIndex("account_id");
        db.GetCollection(Generations).EnsureIndex("status");
        // account:media:active|done — the in-flight cap is an index count inside the reservation transaction.
        db.GetCollection(Generations).EnsureIndex("slot");
        db.GetCollection(Idempotency).EnsureIndex("expires_at");
        db.GetCollection(Activity).EnsureIndex("account_id");
        db.GetCollection(RequestLogs).EnsureIndex("account_id");
        db.GetCollection(WebhookEndpoints).EnsureIndex("account_id");
        db.GetCollection(WebhookDeliveries).EnsureIndex("status");
        db.GetCollection(WebhookDeliveries).EnsureIndex("endpoint_id");
    }
}
