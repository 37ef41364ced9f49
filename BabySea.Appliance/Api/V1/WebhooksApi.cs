using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api.Auth;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Webhooks;
using static BabySea.Appliance.Api.Admin.AdminEndpoints;

namespace BabySea.Appliance.Api.V1;

/// <summary>
/// The calling account's webhook endpoints under <c>/v1/webhooks</c>: the operations of the admin API, on the key's
/// own account only (another account's endpoint is a 404). Reading needs <c>account:read</c>; a change (create,
/// enable, disable, rotate, test, replay, delete) needs a full-access key, like every account change.
/// </summary>
public static class WebhooksApi
{
    public static void MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/v1/webhooks").RequireScope(Scopes.AccountRead);
        read.MapGet("", async (HttpContext http, WebhookAdmin w, CancellationToken ct) => Answer(await w.ListAsync(Account(http), ct), AppJsonContext.Default.AdminWebhooksData, "Webhook endpoints retrieved")).Returns<AdminWebhooksData>();
        read.MapGet("/{webhookId}", async (HttpContext http, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.GetAsync(Account(http), webhookId, ct), AppJsonContext.Default.AdminWebhookData, "Webhook endpoint retrieved")).Returns<AdminWebhookData>();
        read.MapGet("/{webhookId}/deliveries", DeliveriesAsync).Returns<AdminWebhookDeliveriesData>(paged: true);

        var manage = app.MapGroup("/v1/webhooks").RequireScopes(AccountSettingsApi.ManageScopes);
        manage.MapPost("", CreateAsync).Takes<AdminCreateWebhookBody>().Returns<AdminWebhookSecretData>();
        manage.MapDelete("/{webhookId}", async (HttpContext http, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.DeleteAsync(Account(http), webhookId, ct), AppJsonContext.Default.AdminWebhookDeletedData, "Webhook endpoint deleted")).Returns<AdminWebhookDeletedData>();
        manage.MapPost("/{webhookId}/enable", async (HttpContext http, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.EnableAsync(Account(http), webhookId, ct), AppJsonContext.Default.AdminWebhookData, "Webhook endpoint enabled; held events are being delivered")).Returns<AdminWebhookData>();
        manage.MapPost("/{webhookId}/disable", async (HttpContext http, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.DisableAsync(Account(http), webhookId, ct, "Disabled by the account."), AppJsonContext.Default.AdminWebhookData, "Webhook endpoint disabled; events are held")).Returns<AdminWebhookData>();
        manage.MapPost("/{webhookId}/rotate", async (HttpContext http, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.RotateAsync(Account(http), webhookId, ct), AppJsonContext.Default.AdminWebhookSecretData, "Secret rotated; it is shown only once")).Returns<AdminWebhookSecretData>();
        manage.MapPost("/{webhookId}/test", async (HttpContext http, string webhookId, WebhookAdmin w, CancellationToken ct)
            => Answer(await w.TestAsync(Account(http), webhookId, ct), AppJsonContext.Default.AdminWebhookDeliveryData, "Test event queued")).Returns<AdminWebhookDeliveryData>();
        manage.MapPost("/{webhookId}/deliveries/{deliveryId}/replay", async (HttpContext http, string webhookId, string deliveryId, WebhookAdmin w,
                CancellationToken ct)
            => Answer(await w.ReplayAsync(Account(http), webhookId, deliveryId, ct), AppJsonContext.Default.AdminWebhookDeliveryData, "Replay queued")).Returns<AdminWebhookDeliveryData>();
    }

    private static string Account(HttpContext http) => Caller.From(http).Account.Id;

    private static async Task<IResult> CreateAsync(HttpContext http, WebhookAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminCreateWebhookBody);
        return error ?? Answer(await admin.CreateAsync(Account(http), body!, ct), AppJsonContext.Default.AdminWebhookSecretData,
            "Webhook endpoint created; the secret is shown only once");
    }

    private static async Task<IResult> DeliveriesAsync(HttpContext http, string webhookId, string? limit, string? offset, WebhookAdmin admin, CancellationToken ct)
    {
        if (!QueryInt.TryRead(limit, "limit", 20, 1, 100, out var take, out var error)) return error!;
        if (!QueryInt.TryRead(offset, "offset", 0, 0, int.MaxValue, out var skip, out error)) return error!;
        var (data, page, failure) = await admin.DeliveriesAsync(Account(http), webhookId, take, skip, ct);
        return failure ?? (IResult)ApiResults.Ok(data!, AppJsonContext.Default.AdminWebhookDeliveriesData, "Deliveries retrieved", page);
    }
}
