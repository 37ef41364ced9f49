namespace BabySea.Appliance.Webhooks;

/// <summary>
/// One event on its way to one endpoint. <see cref="Id"/> is the <c>webhook_delivery_id</c> receivers dedupe on:
/// it stays the same across the retries of this delivery; a replay or a release from hold is a new delivery.
/// <see cref="Seq"/> orders deliveries by creation, also within one millisecond.
/// </summary>
public sealed record WebhookDelivery(
    string Id,
    long Seq,
    string EventId,
    string EndpointId,
    string AccountId,
    string EventType,
    string DataJson,
    DateTimeOffset CreatedAt,
    string Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? DeliveredAt,
    string? ReplayOf,
    string? ReleasedFrom,
    string? ReleasedAs);
