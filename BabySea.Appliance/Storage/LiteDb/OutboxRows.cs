using BabySea.Appliance.Analytics;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// The transactional outbox. Called inside the writer transaction of the state change that causes an event, it
/// writes the deliveries <see cref="DeliveryRules"/> decides. Nothing is lost if the process dies after the commit:
/// the dispatcher reads these rows.
/// </summary>
internal static class OutboxRows
{
    public static int Stage(LiteStore s, WebhookEvent e, DateTimeOffset now)
    {
        var endpoints = DeliveryRules.FanOut(e, EndpointRows.OfAccount(s, e.AccountId));
        if (endpoints.Count == 0) return 0;
        var eventId = Guid.CreateVersion7().ToString();
        var data = e.Data.ToJsonString();
        foreach (var endpoint in endpoints)
            Add(s, endpoint, eventId, e.Type, data, now);
        return endpoints.Count;
    }

    /// <summary>Inserts one delivery of an event to <paramref name="endpoint"/> with a fresh delivery id and the next sequence number.</summary>
    public static BsonDocument Add(LiteStore s, WebhookEndpoint endpoint, string eventId, string eventType, string dataJson, DateTimeOffset now,
        string? replayOf = null, string? releasedFrom = null)
    {
        var deliveries = s.Collection(Schema.WebhookDeliveries);
        var doc = new BsonDocument
        {
            ["_id"] = Guid.CreateVersion7().ToString(),
            // UUIDv7 ids are random within a millisecond; the sequence keeps creation order exact.
            ["seq"] = NextSeq(s, deliveries),
            ["event_id"] = eventId,
            ["endpoint_id"] = endpoint.Id,
            ["account_id"] = endpoint.AccountId,
            ["event_type"] = eventType,
            ["data_json"] = dataJson,
            ["created_at"] = Bson.Time(now),
            ["status"] = DeliveryRules.InitialStatus(endpoint.Enabled),
            ["attempts"] = 0,
            ["next_attempt_at"] = Bson.Time(now),
            ["replay_of"] = Bson.Str(replayOf),
            ["released_from"] = Bson.Str(releasedFrom),
        };
        doc["ak"] = SortKey(doc);
        doc["ek"] = EndpointKey(doc);
        doc["queue"] = QueueKey(doc);
        deliveries.Insert(doc);
        DeliveryCounts.Move(s, endpoint.Id, 1);
        s.StagedFor.Add(endpoint.Id);
        RollupRows.Apply(s, RollupRules.ForDeliveryStatus(doc["account_id"].AsString, now, null, doc["status"].AsString));
        return doc;
    }

    /// <summary>Moves a delivery to <paramref name="status"/> and its count with it; the caller updates the row in the same transaction.</summary>
    public static void SetStatus(LiteStore s, BsonDocument delivery, string status)
    {
        RollupRows.Apply(s, RollupRules.ForDeliveryStatus(delivery["account_id"].AsString, delivery.Time("created_at"), delivery["status"].AsString, status));
        delivery["status"] = status;
        delivery["queue"] = QueueKey(delivery);
    }

    /// <summary>
    /// The deliveries in <paramref name="status"/> that also meet <paramref name="where"/>, oldest first, read as one range of
    /// the "queue" index: the statuses asked for (held, pending, failed) hold few rows whatever the history. The condition is
    /// applied here, not in the query, so LiteDB cannot choose another index for it instead, such as the endpoint_id index a
    /// database from an earlier version still has (it walked an endpoint's whole year of deliveries for a few held ones).
    /// </summary>
    public static IEnumerable<BsonDocument> InStatus(LiteStore s, string status, Func<BsonDocument, bool> where)
        => s.Collection(Schema.WebhookDeliveries).Find(QueueRange(status)).Where(where);

    /// <summary>No queue key equals either bound, so BETWEEN alone is exact.</summary>
    public static BsonExpression QueueRange(string status) => BsonExpression.Create("queue BETWEEN @0 AND @1", status + "|", status + "|~");

    /// <summary>status|seq, so the deliveries waiting in a status are one index range in creation order.</summary>
    public static string QueueKey(BsonDocument d) => $"{d["status"].AsString}|{Seq(d)}";

    /// <summary>account|creation ms|seq: an account's deliveries in time order, for retention.</summary>
    public static string SortKey(BsonDocument d) => $"{d["account_id"].AsString}|{d.Time("created_at").ToUnixTimeMilliseconds():D13}|{Seq(d)}";

    /// <summary>endpoint|seq|id: an endpoint's deliveries in creation order, for its deliveries page.</summary>
    public static string EndpointKey(BsonDocument d) => $"{d["endpoint_id"].AsString}|{Seq(d)}|{d["_id"].AsString}";

    /// <summary>The sequence number, zero-padded so keys sort in its order (0 for rows written before it existed).</summary>
    private static string Seq(BsonDocument d) => (d["seq"].IsNumber ? d["seq"].AsInt64 : 0).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);

    // The top of the seq index is read once; after that the writer counts on, so staging a delivery reads no other row.
    private static long NextSeq(LiteStore s, ILiteCollection<BsonDocument> deliveries)
    {
        s.LastDeliverySeq ??= deliveries.Query().OrderByDescending("seq").Limit(1).FirstOrDefault() is { } last && last["seq"].IsNumber ? last["seq"].AsInt64 : 0;
        return (long)++s.LastDeliverySeq;
    }
}
