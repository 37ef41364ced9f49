using BabySea.Appliance.Analytics;
using BabySea.Appliance.Webhooks;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// The transactional outbox: inside the transaction of the state change that causes an event, the deliveries
/// <see cref="DeliveryRules"/> decides are inserted; the dispatcher reads these rows, so nothing is lost after a commit.
/// </summary>
internal static class PgOutboxRows
{
    public const string DeliveryColumns = "id, seq, event_id, endpoint_id, account_id, event_type, data_json, created_at, status, attempts, next_attempt_at, "
        + "last_attempt_at, last_status_code, last_error, delivered_at, replay_of, released_from, released_as";

    public const string EndpointColumns = "id, account_id, url, events, enabled, secret, created_at, updated_at, consecutive_failures, disabled_reason, disabled_at";

    public static async Task<int> StageAsync(PgTransaction tx, WebhookEvent e, DateTimeOffset now)
    {
        var endpoints = DeliveryRules.FanOut(e, await tx.Command($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE account_id = $1 ORDER BY id", e.AccountId)
            .ListAsync(EndpointFrom));
        if (endpoints.Count == 0) return 0;
        var eventId = Guid.CreateVersion7().ToString();
        var data = e.Data.ToJsonString();
        foreach (var endpoint in endpoints) await AddAsync(tx, endpoint, eventId, e.Type, data, now);
        return endpoints.Count;
    }

    /// <summary>Inserts one delivery of an event to <paramref name="endpoint"/> with a fresh delivery id and the next sequence number.</summary>
    public static async Task<WebhookDelivery> AddAsync(PgTransaction tx, WebhookEndpoint endpoint, string eventId, string eventType, string dataJson,
        DateTimeOffset now, string? replayOf = null, string? releasedFrom = null)
    {
        var status = DeliveryRules.InitialStatus(endpoint.Enabled);
        var delivery = await tx.Command($"""
            INSERT INTO webhook_deliveries (id, event_id, endpoint_id, account_id, event_type, data_json, created_at, status, attempts, next_attempt_at,
                replay_of, released_from)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $7, $9, $10) RETURNING {DeliveryColumns}
            """, Guid.CreateVersion7().ToString(), eventId, endpoint.Id, endpoint.AccountId, eventType, dataJson, now, status, replayOf, releasedFrom)
            .FirstAsync(DeliveryFrom);
        tx.StagedDeliveries++;
        tx.Count(RollupRules.ForDeliveryStatus(endpoint.AccountId, now, null, status));
        return delivery!;
    }

    /// <summary>Moves a delivery to <paramref name="status"/> (its next attempt cleared unless given), and its count with it.</summary>
    public static async Task SetStatusAsync(PgTransaction tx, WebhookDelivery delivery, string status, bool clearNextAttempt)
    {
        tx.Count(RollupRules.ForDeliveryStatus(delivery.AccountId, delivery.CreatedAt, delivery.Status, status));
        await tx.Command(clearNextAttempt
                ? "UPDATE webhook_deliveries SET status = $2, next_attempt_at = NULL WHERE id = $1"
                : "UPDATE webhook_deliveries SET status = $2 WHERE id = $1", delivery.Id, status).RunAsync();
    }

    public static WebhookEndpoint EndpointFrom(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.Strings(3), r.GetBoolean(4), r.GetString(5), r.Time(6), r.Time(7), r.GetInt32(8),
        r.OptString(9), r.OptTime(10));

    public static WebhookDelivery DeliveryFrom(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.Time(7), r.GetString(8),
        r.GetInt32(9), r.OptTime(10), r.OptTime(11), r.OptInt(12), r.OptString(13), r.OptTime(14), r.OptString(15), r.OptString(16), r.OptString(17));
}
