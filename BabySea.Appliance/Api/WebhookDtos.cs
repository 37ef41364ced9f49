using System.Text.Json;

namespace BabySea.Appliance.Api;

// Webhook payloads of the admin API and CLI (snake_case via AppJsonContext), and the usage counts of /v1/usage.

/// <summary>An endpoint as the operator sees it: the secret only as a hint (it is shown once, at create and rotate).</summary>
public sealed record AdminWebhookData(string WebhookId, string AccountId, string Url, IReadOnlyList<string> Events, bool Enabled,
    string? DisabledReason, string? DisabledAt, int ConsecutiveFailures, int HeldDeliveries, string SecretHint, string CreatedAt,
    string UpdatedAt);

/// <summary>The one time a secret is shown: on create and on rotate.</summary>
public sealed record AdminWebhookSecretData(AdminWebhookData Webhook, string Secret);

public sealed record AdminWebhooksData(IReadOnlyList<AdminWebhookData> Webhooks);

public sealed record AdminWebhookDeletedData(string WebhookId, bool Deleted, int DeliveriesCanceled);

public sealed record AdminWebhookAttemptData(int Attempt, string AttemptedAt, int? StatusCode, string? Error, double LatencyMs, bool Succeeded);

/// <summary>A delivery with its log: <c>delivery_id</c> is the <c>webhook_delivery_id</c> the receiver saw.</summary>
public sealed record AdminWebhookDeliveryData(string DeliveryId, string WebhookId, string EventId, string Event, string? GenerationId,
    string Status, int AttemptCount, string CreatedAt, string? NextAttemptAt, string? LastAttemptAt, int? LastStatusCode, string? LastError,
    string? DeliveredAt, string? ReplayOf, string? ReleasedFrom, string? ReleasedAs, JsonElement WebhookData,
    IReadOnlyList<AdminWebhookAttemptData> Attempts);

public sealed record AdminWebhookDeliveriesData(IReadOnlyList<AdminWebhookDeliveryData> Deliveries);

public sealed record AdminCreateWebhookBody(string? Url, IReadOnlyList<string>? Events, bool? Enabled);

/// <summary>
/// Outcomes of the period's webhook deliveries: <c>failed</c> are waiting for a scheduled retry after their quick
/// attempts failed; <c>pending</c> includes deliveries held for a disabled endpoint; <c>exhausted</c> includes held
/// deliveries that expired.
/// </summary>
public sealed record UsageWebhooksData(int Delivered, int Failed, int Exhausted, int Pending);
