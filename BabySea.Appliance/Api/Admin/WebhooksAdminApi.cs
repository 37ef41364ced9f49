using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Webhooks;
using static BabySea.Appliance.Api.Admin.AdminEndpoints;

namespace BabySea.Appliance.Api.Admin;

/// <summary>
/// An account's webhook endpoints under <c>/admin/v1/accounts/{accountId}/webhooks</c>, behind the admin token; the
/// same operations as the <c>webhooks</c> CLI verbs. Secrets are shown once, on create and on rotate.
/// </summary>
public static class WebhooksAdminApi
{
    public static void MapWebhooksAdminApi(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/admin/v1/accounts/{accountId}/webhooks").RequireAdminToken();
        hooks.MapPost("", CreateAsync).Takes<AdminCreateWebhookBody>().Returns<AdminWebhookSecretData>();
        hooks.MapGet("", async (string accountId, WebhookAdmin w, CancellationToken ct) => Answer(await w.ListAsync(accountId, ct), AppJsonContext.Default.AdminWebhooksData, "Webhook endpoints retrieved")).Returns<AdminWebhooksData>();
        hooks.MapGet("/{webhookId}", async (string accountId, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.GetAsync(accountId, webhookId, ct), AppJsonContext.Default.AdminWebhookData, "Webhook endpoint retrieved")).Returns<AdminWebhookData>();
        hooks.MapDelete("/{webhookId}", async (string accountId, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.DeleteAsync(accountId, webhookId, ct), AppJsonContext.Default.AdminWebhookDeletedData, "Webhook endpoint deleted")).Returns<AdminWebhookDeletedData>();
        hooks.MapPost("/{webhookId}/enable", async (string accountId, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.EnableAsync(accountId, webhookId, ct), AppJsonContext.Default.AdminWebhookData, "Webhook endpoint enabled; held events are being delivered")).Returns<AdminWebhookData>();
        hooks.MapPost("/{webhookId}/disable", async (string accountId, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.DisableAsync(accountId, webhookId, ct), AppJsonContext.Default.AdminWebhookData, "Webhook endpoint disabled; events are held")).Returns<AdminWebhookData>();
        hooks.MapPost("/{webhookId}/rotate", async (string accountId, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.RotateAsync(accountId, webhookId, ct), AppJsonContext.Default.AdminWebhookSecretData, "Secret rotated; it is shown only once")).Returns<AdminWebhookSecretData>();
        hooks.MapPost("/{webhookId}/test", async (string accountId, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.TestAsync(accountId, webhookId, ct), AppJsonContext.Default.AdminWebhookDeliveryData, "Test event queued")).Returns<AdminWebhookDeliveryData>();
        hooks.MapGet("/{webhookId}/deliveries", DeliveriesAsync).Returns<AdminWebhookDeliveriesData>(paged: true);
        hooks.MapGet("/{webhookId}/deliveries/{deliveryId}", async (string accountId, string webhookId, string deliveryId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.DeliveryAsync(accountId, webhookId, deliveryId, ct), AppJsonContext.Default.AdminWebhookDeliveryData, "Delivery retrieved")).Returns<AdminWebhookDeliveryData>();
        hooks.MapPost("/{webhookId}/deliveries/{deliveryId}/replay", async (string accountId, string webhookId, string deliveryId, WebhookAdmin w,
                CancellationToken ct)
            => Answer(await w.ReplayAsync(accountId, webhookId, deliveryId, ct), AppJsonContext.Default.AdminWebhookDeliveryData, "Replay queued")).Returns<AdminWebhookDeliveryData>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string accountId, WebhookAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminCreateWebhookBody);
        return error ?? Answer(await admin.CreateAsync(accountId, body!, ct), AppJsonContext.Default.AdminWebhookSecretData,
            "Webhook endpoint created; the secret is shown only once");
    }

    private static async Task<IResult> DeliveriesAsync(string accountId, string webhookId, string? limit, string? offset, WebhookAdmin admin, CancellationToken ct)
    {
        if (!QueryInt.TryRead(limit, "limit", 20, 1, 100, out var take, out var error)) return error!;
        if (!QueryInt.TryRead(offset, "offset", 0, 0, int.MaxValue, out var skip, out error)) return error!;
        var (data, page, failure) = await admin.DeliveriesAsync(accountId, webhookId, take, skip, ct);
        return failure ?? (IResult)ApiResults.Ok(data!, AppJsonContext.Default.AdminWebhookDeliveriesData, "Deliveries retrieved", page);
    }
}
