using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// The transactional outbox. Called inside the writer transaction of the state change that causes an event, it
/// stages one delivery row per endpoint of the account subscribed to that event: <c>pending</c> for an enabled
/// endpoint, <c>held</c> for a disabled one (delivered when it is enabled again). Nothing is lost if the process
/// dies after the commit: the dispatcher reads these rows.
/// </summary>
internal static class OutboxRows
{
    public static int Stage(LiteStore s, WebhookEvent e, DateTimeOffset now)
    {
        var endpoints = s.Collection(Schema.WebhookEndpoints).Find(BsonExpression.Create("account_id = @0", e.AccountId))
            .Where(d => d["events"].AsArray.Any(v => v.AsString == e.Type))
            .ToArray();
        if (endpoints.Length == 0) return 0;
        var eventId = Guid.CreateVersion7().ToString();
        var data = e.Data.ToJsonString();
        var deliveries = s.Collection(Schema.WebhookDeliveries);
        foreach (var endpoint in endpoints)
            deliveries.Insert(new BsonDocument
            {
                ["_id"] = Guid.CreateVersion7().ToString(),
                ["event_id"] = eventId,
                ["endpoint_id"] = endpoint["_id"],
                ["account_id"] = e.AccountId,
                ["event_type"] = e.Type,
                ["data_json"] = data,
                ["created_at"] = Bson.Time(now),
                ["status"] = endpoint["enabled"].AsBoolean ? "pending" : "held",
                ["attempts"] = 0,
                ["next_attempt_at"] = Bson.Time(now),
            });
        return endpoints.Length;
    }
}
