using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Webhook endpoints, deliveries (<see cref="OutboxRows"/> stages them) and the attempt log, mapped by hand. Each
/// write is one command on the single writer; nothing here awaits inside a transaction.
/// </summary>
public sealed class LiteWebhookStore : IWebhookStore
{
    private readonly LiteStore _store;
    private readonly WriteQueue _writer;
    private readonly TimeProvider _time;

    public LiteWebhookStore(LiteStore store, WriteQueue writer, TimeProvider time)
    {
        _store = store;
        _writer = writer;
        _time = time;
    }

    public Task InsertEndpointAsync(WebhookEndpoint endpoint, CancellationToken ct)
        => _writer.RunAsync(s =>
        {
            EndpointRows.Insert(s, WebhookDocuments.ToDocument(endpoint));
            ActivityRows.Add(s, endpoint.AccountId, "webhook", "created", $"Endpoint {endpoint.Url} created for {string.Join(", ", endpoint.Events)}", endpoint.CreatedAt);
            return true;
        });

    public Task<WebhookEndpoint?> FindEndpointAsync(string endpointId, CancellationToken ct)
        => Task.FromResult<WebhookEndpoint?>(_store.Collection(Schema.WebhookEndpoints).ById(endpointId) is { } d ? WebhookDocuments.EndpointFrom(d) : null);

    public Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string accountId, CancellationToken ct)
        => Task.FromResult<IReadOnlyList<WebhookEndpoint>>(_store.Collection(Schema.WebhookEndpoints).Find(BsonExpression.Create("account_id = @0", accountId))
            .Select(WebhookDocuments.EndpointFrom).OrderBy(e => e.Id, StringComparer.Ordinal).ToArray());

    public Task<int> CountHeldAsync(string endpointId, CancellationToken ct)
        => Task.FromResult(OutboxRows.InStatus(_store, DeliveryStatus.Held, d => d["endpoint_id"] == endpointId).Count());

    public Task<WebhookEndpoint?> EnableAsync(string endpointId, DateTimeOffset holdCutoff, CancellationToken ct)
        => _writer.RunAsync(s =>
        {
            if (s.Collection(Schema.WebhookEndpoints).ById(endpointId) is not { } endpoint) return null;
            var now = _time.GetUtcNow();
            endpoint["enabled"] = true;
            endpoint["consecutive_failures"] = 0;
            endpoint["disabled_reason"] = BsonValue.Null;
            endpoint["disabled_at"] = BsonValue.Null;
            endpoint["updated_at"] = Bson.Time(now);
            EndpointRows.Update(s, endpoint);
            Audit(s, endpoint, "enabled", "enabled", now);

            var deliveries = s.Collection(Schema.WebhookDeliveries);
            var held = OutboxRows.InStatus(s, DeliveryStatus.Held, d => d["endpoint_id"] == endpointId).OrderBy(d => d["seq"].AsInt64).ToArray();
            var enabled = WebhookDocuments.EndpointFrom(endpoint);
            foreach (var d in held)
            {
                OutboxRows.SetStatus(s, d, DeliveryRules.OnEnable(d.Time("created_at"), holdCutoff));
                if (d["status"].AsString == DeliveryStatus.Released)
                    d["released_as"] = OutboxRows.Add(s, enabled, d["event_id"].AsString, d["event_type"].AsString, d["data_json"].AsString, now,
                        releasedFrom: d["_id"].AsString)["_id"];
                d["next_attempt_at"] = BsonValue.Null;
                deliveries.Update(d);
            }
            return WebhookDocuments.EndpointFrom(endpoint);
        });

    public Task<WebhookEndpoint?> DisableAsync(string endpointId, string reason, CancellationToken ct)
        => _writer.RunAsync(s => s.Collection(Schema.WebhookEndpoints).ById(endpointId) is { } endpoint
            ? WebhookDocuments.EndpointFrom(Disable(s, endpoint, reason, _time.GetUtcNow()))
            : null);

    public Task<WebhookEndpoint?> SetSecretAsync(string endpointId, string secret, CancellationToken ct)
        => _writer.RunAsync(s =>
        {
            if (s.Collection(Schema.WebhookEndpoints).ById(endpointId) is not { } endpoint) return null;
            endpoint["secret"] = secret;
            endpoint["updated_at"] = Bson.Time(_time.GetUtcNow());
            EndpointRows.Update(s, endpoint);
            Audit(s, endpoint, "secret_rotated", "secret rotated", _time.GetUtcNow());
            return WebhookDocuments.EndpointFrom(endpoint);
        });

    public Task<int?> DeleteEndpointAsync(string endpointId, CancellationToken ct)
        => _writer.RunAsync<int?>(s =>
        {
            if (s.Collection(Schema.WebhookEndpoints).ById(endpointId) is not { } endpoint) return null;
            EndpointRows.Delete(s, endpointId);
            Audit(s, endpoint, "deleted", "deleted", _time.GetUtcNow());
            var canceled = 0;
            foreach (var d in Open(s, endpointId, DeliveryRules.CanceledByDelete))
            {
                OutboxRows.SetStatus(s, d, DeliveryStatus.Canceled);
                d["next_attempt_at"] = BsonValue.Null;
                s.Collection(Schema.WebhookDeliveries).Update(d);
                canceled++;
            }
            return canceled;
        });

    public Task<WebhookDelivery?> StageForAsync(string endpointId, WebhookEvent e, CancellationToken ct)
        => _writer.RunAsync(s => s.Collection(Schema.WebhookEndpoints).ById(endpointId) is { } endpoint
            ? WebhookDocuments.DeliveryFrom(OutboxRows.Add(s, WebhookDocuments.EndpointFrom(endpoint), Guid.CreateVersion7().ToString(), e.Type, e.Data.ToJsonString(), _time.GetUtcNow()))
            : null);

    public Task<WebhookDelivery?> ReplayAsync(string deliveryId, CancellationToken ct)
        => _writer.RunAsync(s =>
        {
            if (s.Collection(Schema.WebhookDeliveries).ById(deliveryId) is not { } original) return null;
            if (s.Collection(Schema.WebhookEndpoints).ById(original["endpoint_id"]) is not { } endpoint) return null;
            return WebhookDocuments.DeliveryFrom(OutboxRows.Add(s, WebhookDocuments.EndpointFrom(endpoint), original["event_id"].AsString, original["event_type"].AsString,
                original["data_json"].AsString, _time.GetUtcNow(), replayOf: deliveryId));
        });

    public Task<WebhookDelivery?> FindDeliveryAsync(string deliveryId, CancellationToken ct)
        => Task.FromResult<WebhookDelivery?>(_store.Collection(Schema.WebhookDeliveries).ById(deliveryId) is { } d ? WebhookDocuments.DeliveryFrom(d) : null);

    public Task<(IReadOnlyList<WebhookDelivery> Items, int Total)> ListDeliveriesAsync(string endpointId, int limit, int offset, CancellationToken ct)
    {
        var deliveries = _store.Collection(Schema.WebhookDeliveries);
        var total = (int)DeliveryCounts.Of(_store, endpointId);
        // Newest first down the "ek" index (endpoint|seq|id): the offset walks index keys, only the page's documents load.
        // No key equals either bound, so BETWEEN alone is exact and no filter runs on each key the offset skips.
        var ids = deliveries.Query().Where(BsonExpression.Create("ek BETWEEN @0 AND @1", endpointId + "|", endpointId + "|~"))
            .OrderByDescending("ek").Select("ek").Offset(offset).Limit(limit).ToEnumerable().Select(d => d["ek"].AsString.Split('|')[^1]).ToArray();
        var items = ids.Select(id => deliveries.ById(id)).OfType<BsonDocument>().Select(WebhookDocuments.DeliveryFrom).ToArray();
        return Task.FromResult<(IReadOnlyList<WebhookDelivery> Items, int Total)>((items, total));
    }

    public Task<IReadOnlyList<WebhookAttempt>> AttemptsAsync(string deliveryId, CancellationToken ct)
        => Task.FromResult<IReadOnlyList<WebhookAttempt>>(_store.Collection(Schema.WebhookAttempts).Find(BsonExpression.Create("delivery_id = @0", deliveryId))
            .Select(WebhookDocuments.AttemptFrom).OrderBy(a => a.Number).ToArray());

    // A walk from the start of the status's queue range, already in seq order, that stops at the limit: the dispatcher asks
    // after every commit that staged a delivery, and loading and sorting every waiting delivery each time made a backlog
    // its main cost.
    public Task<IReadOnlyList<WebhookDelivery>> DueAsync(string status, DateTimeOffset now, int limit, CancellationToken ct)
        => Task.FromResult<IReadOnlyList<WebhookDelivery>>(_store.Collection(Schema.WebhookDeliveries).Query()
            .Where(BsonExpression.Create("queue BETWEEN @0 AND @1 AND next_attempt_at <= @2", status + "|", status + "|~", Bson.Time(now)))
            .Limit(limit).ToEnumerable().Select(WebhookDocuments.DeliveryFrom).ToArray());

    // One process holds the data folder, and its DeliveryRunner already sends each endpoint's deliveries from one task.
    public Task<bool> LeaseEndpointAsync(string endpointId, string owner, DateTimeOffset until, CancellationToken ct) => Task.FromResult(true);

    public Task ReleaseEndpointAsync(string endpointId, string owner, CancellationToken ct) => Task.CompletedTask;

    public Task<AttemptRecorded> RecordAttemptAsync(AttemptRecord record, CancellationToken ct)
        => _writer.RunAsync(s =>
        {
            var a = record.Attempt;
            var deliveries = s.Collection(Schema.WebhookDeliveries);
            // Compare-and-set on the attempt count: an attempt is recorded once, and only the attempt that follows the
            // stored count, so a delivery is never advanced twice by one attempt.
            if (deliveries.ById(a.DeliveryId) is not { } d || d["attempts"].AsInt32 != a.Number - 1) return new AttemptRecorded(false, false);
            s.Collection(Schema.WebhookAttempts).Insert(WebhookDocuments.AttemptToDocument(a, d["account_id"].AsString));
            d["attempts"] = a.Number;
            d["last_attempt_at"] = Bson.Time(a.AttemptedAt);
            d["last_status_code"] = a.StatusCode is { } code ? code : BsonValue.Null;
            d["last_error"] = Bson.Str(a.Error);
            var endpoint = s.Collection(Schema.WebhookEndpoints).ById(d["endpoint_id"]);
            var effect = DeliveryRules.AfterAttempt(record, d["status"].AsString, d.OptTime("next_attempt_at"),
                endpoint?["consecutive_failures"].AsInt32 ?? 0, endpoint?["enabled"].AsBoolean ?? false);
            OutboxRows.SetStatus(s, d, effect.Status);
            d["next_attempt_at"] = Bson.Time(effect.NextAttemptAt);
            if (a.Succeeded) d["delivered_at"] = Bson.Time(a.AttemptedAt);
            deliveries.Update(d);
            if (endpoint is null) return new AttemptRecorded(true, false);
            // Most attempts succeed after a success: the count stays 0, and the endpoint's row is not rewritten for nothing.
            if (endpoint["consecutive_failures"].AsInt32 != effect.Failures)
            {
                endpoint["consecutive_failures"] = effect.Failures;
                EndpointRows.Update(s, endpoint);
            }
            if (effect.DisableReason is not { } reason) return new AttemptRecorded(true, false);
            Disable(s, endpoint, reason, a.AttemptedAt);
            return new AttemptRecorded(true, true);
        });

    public Task<int> ExpireAsync(DateTimeOffset retryCutoff, DateTimeOffset holdCutoff, CancellationToken ct)
        => _writer.RunAsync(s =>
        {
            var deliveries = s.Collection(Schema.WebhookDeliveries);
            // One status per query: LiteDB answers an OR with a scan of the whole collection instead of an index range.
            var stale = new[] { DeliveryStatus.Pending, DeliveryStatus.Failed }
                .SelectMany(status => OutboxRows.InStatus(s, status, d => d.Time("created_at") < retryCutoff))
                .Select(d => (d, DeliveryStatus.Exhausted))
                .Concat(OutboxRows.InStatus(s, DeliveryStatus.Held, d => d.Time("created_at") < holdCutoff).Select(d => (d, DeliveryStatus.Expired)))
                .ToArray();
            foreach (var (d, status) in stale)
            {
                OutboxRows.SetStatus(s, d, status);
                d["next_attempt_at"] = BsonValue.Null;
                deliveries.Update(d);
            }
            return stale.Length;
        });

    /// <summary>Disables an endpoint and holds its open deliveries, inside the caller's transaction.</summary>
    // The account's audit feed records each endpoint change, automatic disabling included, in the change's transaction.
    private static void Audit(LiteStore s, BsonDocument endpoint, string action, string what, DateTimeOffset now)
        => ActivityRows.Add(s, endpoint["account_id"].AsString, "webhook", action, $"Endpoint {endpoint["url"].AsString} {what}", now);

    private static BsonDocument Disable(LiteStore s, BsonDocument endpoint, string reason, DateTimeOffset now)
    {
        endpoint["enabled"] = false;
        endpoint["disabled_reason"] = reason;
        endpoint["disabled_at"] = Bson.Time(now);
        endpoint["updated_at"] = Bson.Time(now);
        EndpointRows.Update(s, endpoint);
        Audit(s, endpoint, "disabled", $"disabled: {reason}", now);
        foreach (var d in Open(s, endpoint["_id"].AsString, DeliveryRules.HeldByDisable))
        {
            OutboxRows.SetStatus(s, d, DeliveryStatus.Held);
            s.Collection(Schema.WebhookDeliveries).Update(d);
        }
        return endpoint;
    }

    private static BsonDocument[] Open(LiteStore s, string endpointId, IReadOnlyList<string> statuses)
        => statuses.SelectMany(status => OutboxRows.InStatus(s, status, d => d["endpoint_id"] == endpointId)).ToArray();
}
