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
    public const string Rollups = "rollups";
    public const string LedgerCheckpoints = "ledger_checkpoints";
    public const string RetentionMarks = "retention_marks";

    private static readonly (string Collection, Func<BsonDocument, string> Key)[] SortKeys =
    [
        (Ledger, d => d["account_id"].AsString + "|" + d["_id"].AsObjectId),
        (Generations, d => d["account_id"].AsString + "|" + d["_id"].AsString),
        (RequestLogs, d => LiteRequestLogStore.SortKey(d.OptString("account_id"), d["request_id"].AsString)),
        (WebhookDeliveries, OutboxRows.SortKey),
    ];

    /// <summary>Gives rows written before the key existed their key: the index finds them, so a database that has them all costs nothing.</summary>
    private static void Backfill(ILiteCollection<BsonDocument> collection, Func<BsonDocument, string> key, string field = "ak")
    {
        while (collection.Find(BsonExpression.Create($"{field} = null"), limit: 1000).ToArray() is { Length: > 0 } batch)
            foreach (var d in batch)
            {
                d[field] = key(d);
                collection.Update(d);
            }
    }

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
        // "ak" = account|time-ordered id on ledger entries, generations and request logs: every page of an account's history,
        // newest first, is a walk down one index range, never a sort of the account's rows.
        foreach (var (name, key) in SortKeys)
        {
            var collection = db.GetCollection(name);
            collection.EnsureIndex("ak");
            Backfill(collection, key);
        }
        db.GetCollection(WebhookEndpoints).EnsureIndex("account_id");
        db.GetCollection(WebhookDeliveries).EnsureIndex("status");
        db.GetCollection(WebhookDeliveries).EnsureIndex("endpoint_id");
        // Each staged delivery takes the next sequence number from the highest: an index walk, not a sort of every delivery.
        db.GetCollection(WebhookDeliveries).EnsureIndex("seq");
        // status|seq: the due deliveries of a status, oldest first, are the start of one index range, however many wait.
        db.GetCollection(WebhookDeliveries).EnsureIndex("queue");
        Backfill(db.GetCollection(WebhookDeliveries), OutboxRows.QueueKey, "queue");
    }
}
