namespace BabySea.Appliance.Webhooks;

/// <summary>One HTTP attempt of a delivery, as logged: status code or error, latency, attempt number.</summary>
public sealed record WebhookAttempt(
    string Id,
    string DeliveryId,
    string EndpointId,
    int Number,
    DateTimeOffset AttemptedAt,
    int? StatusCode,
    string? Error,
    double LatencyMs,
    bool Succeeded);
