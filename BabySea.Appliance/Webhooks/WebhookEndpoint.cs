namespace BabySea.Appliance.Webhooks;

/// <summary>
/// An account's webhook endpoint. The secret is stored as issued: both signature schemes need it to sign.
/// <see cref="ConsecutiveFailures"/> counts failed attempts since the last 2xx, across all its deliveries.
/// </summary>
public sealed record WebhookEndpoint(
    string Id,
    string AccountId,
    string Url,
    IReadOnlyList<string> Events,
    bool Enabled,
    string Secret,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int ConsecutiveFailures,
    string? DisabledReason,
    DateTimeOffset? DisabledAt);
