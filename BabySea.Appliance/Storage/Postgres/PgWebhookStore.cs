using BabySea.Appliance.Webhooks;
using static BabySea.Appliance.Storage.Postgres.PgOutboxRows;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// Webhook endpoints, deliveries (<see cref="PgOutboxRows"/> stages them) and the attempt log. A write that touches an
/// endpoint and its deliveries locks the endpoint row first, then the deliveries, so writers never deadlock.
/// </summary>
public sealed class PgWebhookStore(PgDatabase db, TimeProvider time) : IWebhookStore
{
    public Task InsertEndpointAsync(WebhookEndpoint e, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            await tx.Command($"INSERT INTO webhook_endpoints ({EndpointColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", e.Id, e.AccountId, e.Url,
                e.Events.ToArray(), e.Enabled, e.Secret, e.CreatedAt, e.UpdatedAt, e.ConsecutiveFailures, e.DisabledReason, e.DisabledAt).RunAsync();
            await PgActivityRows.AddAsync(tx, e.AccountId, "webhook", "created", $"Endpoint {e.Url} created for {string.Join(", ", e.Events)}", e.CreatedAt);
            return true;
        });

    public Task<WebhookEndpoint?> FindEndpointAsync(string endpointId, CancellationToken ct)
        => db.ReadAsync(c => c.Command($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = $1", endpointId).FirstAsync(EndpointFrom, ct), ct);

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string accountId, CancellationToken ct)
        => await db.ReadAsync(c => c.Command($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE account_id = $1 ORDER BY id", accountId)
            .ListAsync(EndpointFrom, ct), ct);

    public async Task<int> CountHeldAsync(string endpointId, CancellationToken ct)
        => (int)await db.ReadAsync(c => c.Command("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = $2", endpointId, DeliveryStatus.Held)
            .ScalarAsync<long>(ct), ct);

    public Task<WebhookEndpoint?> EnableAsync(string endpointId, DateTimeOffset holdCutoff, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            var now = time.GetUtcNow();
            if (await tx.Command($"""
                    UPDATE webhook_endpoints SET enabled = true, consecutive_failures = 0, disabled_reason = NULL, disabled_at = NULL, updated_at = $2
                    WHERE id = $1 RETURNING {EndpointColumns}
                    """, endpointId, now).FirstAsync(EndpointFrom) is not { } enabled) return null;
            await AuditAsync(tx, enabled, "enabled", "enabled", now);
            foreach (var d in await OpenAsync(tx, endpointId, [DeliveryStatus.Held]))
            {
                var status = DeliveryRules.OnEnable(d.CreatedAt, holdCutoff);
                await SetStatusAsync(tx, d, status, clearNextAttempt: true);
                if (status == DeliveryStatus.Released)
                {
                    var fresh = await AddAsync(tx, enabled, d.EventId, d.EventType, d.DataJson, now, releasedFrom: d.Id);
                    await tx.Command("UPDATE webhook_deliveries SET released_as = $2 WHERE id = $1", d.Id, fresh.Id).RunAsync();
                }
            }
            return enabled;
        });

    public Task<WebhookEndpoint?> DisableAsync(string endpointId, string reason, CancellationToken ct)
        => db.WriteAsync(tx => DisableAsync(tx, endpointId, reason, time.GetUtcNow()));

    public Task<WebhookEndpoint?> SetSecretAsync(string endpointId, string secret, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            var now = time.GetUtcNow();
            if (await tx.Command($"UPDATE webhook_endpoints SET secret = $2, updated_at = $3 WHERE id = $1 RETURNING {EndpointColumns}", endpointId, secret, now)
                    .FirstAsync(EndpointFrom) is not { } endpoint) return null;
            await AuditAsync(tx, endpoint, "secret_rotated", "secret rotated", now);
            return endpoint;
        });

    public Task<int?> DeleteEndpointAsync(string endpointId, CancellationToken ct)
        => db.WriteAsync<int?>(async tx =>
        {
            if (await tx.Command($"DELETE FROM webhook_endpoints WHERE id = $1 RETURNING {EndpointColumns}", endpointId).FirstAsync(EndpointFrom) is not { } endpoint)
                return null;
            await AuditAsync(tx, endpoint, "deleted", "deleted", time.GetUtcNow());
            var open = await OpenAsync(tx, endpointId, DeliveryRules.CanceledByDelete);
            foreach (var d in open) await SetStatusAsync(tx, d, DeliveryStatus.Canceled, clearNextAttempt: true);
            return open.Count;
        });

    public Task<WebhookDelivery?> StageForAsync(string endpointId, WebhookEvent e, CancellationToken ct)
        => db.WriteAsync(async tx => await tx.Command($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = $1", endpointId).FirstAsync(EndpointFrom) is { } endpoint
            ? await AddAsync(tx, endpoint, Guid.CreateVersion7().ToString(), e.Type, e.Data.ToJsonString(), time.GetUtcNow())
            : null);

    public Task<WebhookDelivery?> ReplayAsync(string deliveryId, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            if (await tx.Command($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = $1", deliveryId).FirstAsync(DeliveryFrom) is not { } original) return null;
            if (await tx.Command($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = $1", original.EndpointId).FirstAsync(EndpointFrom) is not { } endpoint)
                return null;
            return await AddAsync(tx, endpoint, original.EventId, original.EventType, original.DataJson, time.GetUtcNow(), replayOf: deliveryId);
        });

    public Task<WebhookDelivery?> FindDeliveryAsync(string deliveryId, CancellationToken ct)
        => db.ReadAsync(c => c.Command($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = $1", deliveryId).FirstAsync(DeliveryFrom, ct), ct);

    public Task<(IReadOnlyList<WebhookDelivery> Items, int Total)> ListDeliveriesAsync(string endpointId, int limit, int offset, CancellationToken ct)
        => db.ReadAsync<(IReadOnlyList<WebhookDelivery>, int)>(async c =>
        {
            var total = await c.Command("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1", endpointId).ScalarAsync<long>(ct);
            var items = await c.Command($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY seq DESC OFFSET $2 LIMIT $3",
                endpointId, (long)offset, (long)limit).ListAsync(DeliveryFrom, ct);
            return (items, (int)total);
        }, ct);

    public async Task<IReadOnlyList<WebhookAttempt>> AttemptsAsync(string deliveryId, CancellationToken ct)
        => await db.ReadAsync(c => c.Command("""
            SELECT id, delivery_id, endpoint_id, number, attempted_at, status_code, error, latency_ms, succeeded FROM webhook_attempts
            WHERE delivery_id = $1 ORDER BY number
            """, deliveryId).ListAsync(r => new WebhookAttempt(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.Time(4), r.OptInt(5),
            r.OptString(6), r.GetDouble(7), r.GetBoolean(8)), ct), ct);

    // The start of the status's queue, in seq order, stopping at the limit: the dispatcher asks after every commit that
    // staged a delivery, so it must cost the page, never the backlog.
    public async Task<IReadOnlyList<WebhookDelivery>> DueAsync(string status, DateTimeOffset now, int limit, CancellationToken ct)
        => await db.ReadAsync(c => c.Command($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE status = $1 AND next_attempt_at <= $2 ORDER BY seq LIMIT $3",
            status, now, (long)limit).ListAsync(DeliveryFrom, ct), ct);

    public Task<bool> LeaseEndpointAsync(string endpointId, string owner, DateTimeOffset until, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            if (await tx.Command("""
                    UPDATE webhook_endpoints SET send_owner = $2, send_until = $3
                    WHERE id = $1 AND (send_owner IS NULL OR send_owner = $2 OR send_until <= $4)
                    """, endpointId, owner, until, time.GetUtcNow()).RunAsync() == 1) return true;
            // A deleted endpoint has nobody to wait for: its deliveries were canceled with it.
            return !await tx.Command("SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = $1)", endpointId).ScalarAsync<bool>();
        });

    public Task ReleaseEndpointAsync(string endpointId, string owner, CancellationToken ct)
        => db.WriteAsync(tx => tx.Command("UPDATE webhook_endpoints SET send_owner = NULL, send_until = NULL WHERE id = $1 AND send_owner = $2", endpointId, owner)
            .RunAsync());

    public Task<AttemptRecorded> RecordAttemptAsync(AttemptRecord record, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            var a = record.Attempt;
            // The endpoint row first (the order every endpoint write takes), then the delivery's.
            var endpoint = await tx.Command($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = (SELECT endpoint_id FROM webhook_deliveries WHERE id = $1) FOR UPDATE",
                a.DeliveryId).FirstAsync(EndpointFrom);
            // Compare-and-set on the attempt count: an attempt is recorded once, and only the attempt that follows the
            // stored count, so a delivery is never advanced twice by one attempt.
            if (await tx.Command($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = $1 FOR UPDATE", a.DeliveryId).FirstAsync(DeliveryFrom) is not { } d
                || d.Attempts != a.Number - 1)
                return new AttemptRecorded(false, false);
            await tx.Command("""
                INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, account_id, number, attempted_at, status_code, error, latency_ms, succeeded)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, a.Id, a.DeliveryId, a.EndpointId, d.AccountId, a.Number, a.AttemptedAt, a.StatusCode, a.Error, a.LatencyMs, a.Succeeded).RunAsync();
            var effect = DeliveryRules.AfterAttempt(record, d.Status, d.NextAttemptAt, endpoint?.ConsecutiveFailures ?? 0, endpoint?.Enabled ?? false);
            tx.Count(Analytics.RollupRules.ForDeliveryStatus(d.AccountId, d.CreatedAt, d.Status, effect.Status));
            await tx.Command("""
                UPDATE webhook_deliveries SET attempts = $2, last_attempt_at = $3, last_status_code = $4, last_error = $5, status = $6, next_attempt_at = $7,
                    delivered_at = CASE WHEN $8 THEN $3 ELSE delivered_at END
                WHERE id = $1
                """, d.Id, a.Number, a.AttemptedAt, a.StatusCode, a.Error, effect.Status, effect.NextAttemptAt, a.Succeeded).RunAsync();
            if (endpoint is null) return new AttemptRecorded(true, false);
            await tx.Command("UPDATE webhook_endpoints SET consecutive_failures = $2 WHERE id = $1", endpoint.Id, effect.Failures).RunAsync();
            if (effect.DisableReason is not { } reason) return new AttemptRecorded(true, false);
            await DisableAsync(tx, endpoint.Id, reason, a.AttemptedAt);
            return new AttemptRecorded(true, true);
        });

    public Task<int> ExpireAsync(DateTimeOffset retryCutoff, DateTimeOffset holdCutoff, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            var stale = (await tx.Command($"""
                    SELECT {DeliveryColumns} FROM webhook_deliveries WHERE status IN ($1, $2) AND created_at < $3 ORDER BY seq FOR UPDATE
                    """, DeliveryStatus.Pending, DeliveryStatus.Failed, retryCutoff).ListAsync(DeliveryFrom)).Select(d => (d, DeliveryStatus.Exhausted))
                .Concat((await tx.Command($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE status = $1 AND created_at < $2 ORDER BY seq FOR UPDATE",
                    DeliveryStatus.Held, holdCutoff).ListAsync(DeliveryFrom)).Select(d => (d, DeliveryStatus.Expired)))
                .ToArray();
            foreach (var (d, status) in stale) await SetStatusAsync(tx, d, status, clearNextAttempt: true);
            return stale.Length;
        });

    /// <summary>Disables an endpoint and holds its open deliveries, inside the caller's transaction.</summary>
    private static async Task<WebhookEndpoint?> DisableAsync(PgTransaction tx, string endpointId, string reason, DateTimeOffset now)
    {
        if (await tx.Command($"""
                UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = $3, updated_at = $3 WHERE id = $1 RETURNING {EndpointColumns}
                """, endpointId, reason, now).FirstAsync(EndpointFrom) is not { } endpoint) return null;
        await AuditAsync(tx, endpoint, "disabled", $"disabled: {reason}", now);
        foreach (var d in await OpenAsync(tx, endpointId, DeliveryRules.HeldByDisable)) await SetStatusAsync(tx, d, DeliveryStatus.Held, clearNextAttempt: false);
        return endpoint;
    }

    // The account's audit feed records each endpoint change, automatic disabling included, in the change's transaction.
    private static Task AuditAsync(PgTransaction tx, WebhookEndpoint endpoint, string action, string what, DateTimeOffset now)
        => PgActivityRows.AddAsync(tx, endpoint.AccountId, "webhook", action, $"Endpoint {endpoint.Url} {what}", now);

    /// <summary>The endpoint's deliveries in <paramref name="statuses"/>, in creation order, locked.</summary>
    private static async Task<List<WebhookDelivery>> OpenAsync(PgTransaction tx, string endpointId, IReadOnlyList<string> statuses)
        => await tx.Command($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE endpoint_id = $1 AND status = ANY($2) ORDER BY seq FOR UPDATE",
            endpointId, statuses.ToArray()).ListAsync(DeliveryFrom);
}
