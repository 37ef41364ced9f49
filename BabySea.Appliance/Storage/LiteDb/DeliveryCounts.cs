using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// How many deliveries each endpoint has on record, moved in the transaction of every delivery inserted and every one
/// retention removes, so an endpoint's deliveries page has its total without counting its rows (an endpoint of a busy
/// account holds a year of them). A new endpoint starts at 0; one written before the counts existed gets its count once
/// on open, from its keys in the "ek" index.
/// </summary>
internal static class DeliveryCounts
{
    public static void Start(LiteStore s, string endpointId) => s.Collection(Schema.DeliveryCounts).Upsert(Row(endpointId, 0));

    public static void Move(LiteStore s, string endpointId, long by)
    {
        var counts = s.Collection(Schema.DeliveryCounts);
        counts.Upsert(Row(endpointId, (counts.ById(endpointId)?["n"].AsInt64 ?? 0) + by));
    }

    public static void Forget(LiteStore s, string endpointId) => s.Collection(Schema.DeliveryCounts).Delete(endpointId);

    public static long Of(LiteStore store, string endpointId) => store.Collection(Schema.DeliveryCounts).ById(endpointId)?["n"].AsInt64 ?? 0;

    public static void Backfill(LiteDatabase db)
    {
        var counts = db.GetCollection(Schema.DeliveryCounts);
        foreach (var endpoint in db.GetCollection(Schema.WebhookEndpoints).FindAll().Select(d => d["_id"].AsString).ToArray())
            if (counts.FindById(endpoint) is null) counts.Insert(Row(endpoint, OnRecord(db, endpoint)));
    }

    /// <summary>Every endpoint of the account whose count differs from its deliveries on record (<c>verify --recount</c>).</summary>
    public static IEnumerable<string> Mismatches(LiteStore store, string accountId)
    {
        foreach (var endpoint in store.Collection(Schema.WebhookEndpoints).Find(BsonExpression.Create("account_id = @0", accountId)).Select(d => d["_id"].AsString))
            if ((Of(store, endpoint), OnRecord(store.Db, endpoint)) is var (counted, kept) && counted != kept)
                yield return $"endpoint {endpoint}: {counted} deliveries counted but {kept} on record";
    }

    // Selecting the key alone keeps the walk on index pages: no delivery is loaded.
    private static long OnRecord(LiteDatabase db, string endpointId)
        => db.GetCollection(Schema.WebhookDeliveries).Query().Where(BsonExpression.Create("ek BETWEEN @0 AND @1", endpointId + "|", endpointId + "|~"))
            .Select("ek").ToEnumerable().LongCount();

    private static BsonDocument Row(string endpointId, long n) => new() { ["_id"] = endpointId, ["n"] = n };
}
