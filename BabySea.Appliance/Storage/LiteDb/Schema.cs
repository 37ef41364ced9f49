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
    public const string WebhookAttempts = "webhook_attempts";
    public const string DeliveryCounts = "delivery_counts";

    /// <summary>
    /// Keys derived from other fields of a row, each indexed: "ak" = account|time-ordered id on ledger entries, generations,
    /// request logs and webhook deliveries, so every page of an account's history, newest first, is a walk down one index
    /// range, never a sort of its rows; "aks" (with "akb" and "akk") for filtered logs pages; "ek" = endpoint|seq|id for an
    /// endpoint's deliveries; "queue" = status|seq, so the due deliveries of a status, oldest first, are the start of one
    /// range however many wait.
    /// </summary>
    private static readonly (string Collection, string Field, Action<BsonDocument> Set)[] DerivedKeys =
    [
        (Ledger, "ak", d => d["ak"] = d["account_id"].AsString + "|" + d["_id"].AsObjectId),
        (Generations, "ak", d => d["ak"] = d["account_id"].AsString + "|" + d["_id"].AsString),
        (RequestLogs, "ak", d => d["ak"] = LiteRequestLogStore.SortKey(d.OptString("account_id"), d["request_id"].AsString)),
        (RequestLogs, "aks", LiteRequestLogStore.SetFilterKeys),
        (WebhookDeliveries, "ak", d => d["ak"] = OutboxRows.SortKey(d)),
        (WebhookDeliveries, "ek", d => d["ek"] = OutboxRows.EndpointKey(d)),
        (WebhookDeliveries, "queue", d => d["queue"] = OutboxRows.QueueKey(d)),
    ];

    /// <summary>Gives rows written before a key existed their key: the index finds them, so a database that has them all costs one lookup.</summary>
    private static void Backfill(ILiteCollection<BsonDocument> collection, string field, Action<BsonDocument> set)
    {
        while (collection.Find(BsonExpression.Create($"{field} = null"), limit: 1000).ToArray() is { Length: > 0 } batch)
            foreach (var d in batch)
            {
                set(d);
                collection.Update(d);
            }
    }

    /// <summary>
    /// Account rows written before they kept their newest ledger entry id (<see cref="LedgerRows.TipField"/>) get it once
    /// from the top of their slice of the ledger's "ak" index; null when the account has no entry.
    /// </summary>
    private static void BackfillLedgerTips(LiteDatabase db)
    {
        var accounts = db.GetCollection(Accounts);
        foreach (var account in accounts.FindAll().Where(a => !a.ContainsKey(LedgerRows.TipField)).ToArray())
        {
            var id = account["_id"].AsString;
            account[LedgerRows.TipField] = db.GetCollection(Ledger).Query().Where(BsonExpression.Create("ak BETWEEN @0 AND @1", id + "|", id + "|~"))
                .OrderByDescending("ak").Select("ak").Limit(1).ToEnumerable().Select(d => d["ak"].AsString[(id.Length + 1)..]).FirstOrDefault();
            accounts.Update(account);
        }
    }

    /// <summary>
    /// Indexes earlier versions made that no query reads any more (each is served by a key above), which every insert
    /// still paid for. A new database never has them; <c>compact</c> leaves them behind. They are not dropped in place:
    /// dropping an index walks every row it covers, which no start may do.
    /// </summary>
    private static readonly HashSet<(string Collection, string Index)> Retired =
    [
        (Ledger, "account_id"), (Generations, "account_id"), (RequestLogs, "account_id"),
        (WebhookDeliveries, "status"), (WebhookDeliveries, "endpoint_id"), (WebhookDeliveries, "account_id"),
    ];

    public static bool IsRetired(string collection, string index) => Retired.Contains((collection, index));

    /// <summary>
    /// The file's user version once every account has its ledger tip and every endpoint its delivery count. Rows written
    /// since keep them up, so the backfills that find rows without them (reading every account and every endpoint) run on
    /// the first open of an older file only, never on each start. Earlier versions never set the user version.
    /// </summary>
    public const int Backfilled = 1;

    public static void Ensure(LiteDatabase db)
    {
        db.GetCollection(ApiKeys).EnsureIndex("hash", unique: true);
        db.GetCollection(ApiKeys).EnsureIndex("account_id");
        // One reserve/charge/refund per generation, enforced by the engine rather than by care.
        db.GetCollection(Ledger).EnsureIndex("movement_key", unique: true);
        db.GetCollection(Generations).EnsureIndex("status");
        // account:media:active|done — the in-flight cap is an index count inside the reservation transaction.
        db.GetCollection(Generations).EnsureIndex("slot");
        db.GetCollection(Idempotency).EnsureIndex("expires_at");
        db.GetCollection(Activity).EnsureIndex("account_id");
        db.GetCollection(RequestLogs).EnsureIndex("akb");
        db.GetCollection(RequestLogs).EnsureIndex("akk");
        foreach (var (name, field, set) in DerivedKeys)
        {
            var collection = db.GetCollection(name);
            collection.EnsureIndex(field);
            Backfill(collection, field, set);
        }
        if (db.UserVersion < Backfilled)
        {
            BackfillLedgerTips(db);
            LiteDb.DeliveryCounts.Backfill(db);
            db.UserVersion = Backfilled;
        }
        db.GetCollection(WebhookEndpoints).EnsureIndex("account_id");
        // The next sequence number is the top of this index.
        db.GetCollection(WebhookDeliveries).EnsureIndex("seq", unique: true);
        db.GetCollection(WebhookAttempts).EnsureIndex("delivery_id");
    }
}
