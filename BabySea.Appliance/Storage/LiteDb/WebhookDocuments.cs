using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>Explicit mapping of webhook endpoints, deliveries and attempts to and from their BsonDocuments.</summary>
internal static class WebhookDocuments
{
    public static BsonDocument ToDocument(WebhookEndpoint e) => new()
    {
        ["_id"] = e.Id,
        ["account_id"] = e.AccountId,
        ["url"] = e.Url,
        ["events"] = Bson.Strings(e.Events),
        ["enabled"] = e.Enabled,
        ["secret"] = e.Secret,
        ["created_at"] = Bson.Time(e.CreatedAt),
        ["updated_at"] = Bson.Time(e.UpdatedAt),
        ["consecutive_failures"] = e.ConsecutiveFailures,
        ["disabled_reason"] = Bson.Str(e.DisabledReason),
        ["disabled_at"] = Bson.Time(e.DisabledAt),
    };

    public static WebhookEndpoint EndpointFrom(BsonDocument d) => new(
        d["_id"].AsString, d["account_id"].AsString, d["url"].AsString, d.StringArray("events"), d["enabled"].AsBoolean,
        d["secret"].AsString, d.Time("created_at"), d.Time("updated_at"), d["consecutive_failures"].AsInt32,
        d.OptString("disabled_reason"), d.OptTime("disabled_at"));

    public static WebhookDelivery DeliveryFrom(BsonDocument d) => new(
        d["_id"].AsString, d["seq"].IsNumber ? d["seq"].AsInt64 : 0, d["event_id"].AsString, d["endpoint_id"].AsString,
        d["account_id"].AsString, d["event_type"].AsString, d["data_json"].AsString, d.Time("created_at"), d["status"].AsString,
        d["attempts"].AsInt32, d.OptTime("next_attempt_at"), d.OptTime("last_attempt_at"),
        d["last_status_code"].IsNumber ? d["last_status_code"].AsInt32 : null, d.OptString("last_error"), d.OptTime("delivered_at"),
        d.OptString("replay_of"), d.OptString("released_from"), d.OptString("released_as"));

    public static BsonDocument AttemptToDocument(WebhookAttempt a, string accountId) => new()
    {
        ["_id"] = a.Id,
        ["delivery_id"] = a.DeliveryId,
        ["endpoint_id"] = a.EndpointId,
        ["account_id"] = accountId,
        ["number"] = a.Number,
        ["attempted_at"] = Bson.Time(a.AttemptedAt),
        ["status_code"] = a.StatusCode is { } code ? code : BsonValue.Null,
        ["error"] = Bson.Str(a.Error),
        ["latency_ms"] = a.LatencyMs,
        ["succeeded"] = a.Succeeded,
    };

    public static WebhookAttempt AttemptFrom(BsonDocument d) => new(
        d["_id"].AsString, d["delivery_id"].AsString, d["endpoint_id"].AsString, d["number"].AsInt32, d.Time("attempted_at"),
        d["status_code"].IsNumber ? d["status_code"].AsInt32 : null, d.OptString("error"), d["latency_ms"].AsDouble, d["succeeded"].AsBoolean);
}
