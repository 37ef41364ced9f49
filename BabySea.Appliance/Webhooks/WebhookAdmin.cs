using BabySea.Appliance.Outbound;
using System.Text.Json;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Webhooks;

/// <summary>
/// The operator's operations on an account's webhook endpoints, shared by <c>/admin/v1/accounts/{id}/webhooks</c> and
/// the <c>webhooks</c> CLI verbs. What they stage (test, replay, release on enable) goes out through the dispatcher.
/// </summary>
public sealed class WebhookAdmin(
    IWebhookStore store,
    IAccountStore accounts,
    OutboundPolicy policy,
    IOptions<WebhookOptions> options,
    OutboxSignal signal,
    TimeProvider time)
{
    public async Task<(AdminWebhookSecretData? Data, ApiError? Error)> CreateAsync(string accountId, AdminCreateWebhookBody body, CancellationToken ct)
    {
        if (await accounts.FindAccountAsync(accountId, ct) is null) return (null, AccountMissing(accountId));
        var url = body.Url?.Trim();
        if (await policy.CheckUrlAsync(url, ct) is { } refusal) return (null, ApiError.Field("url", refusal));
        var events = body.Events ?? WebhookEvents.DefaultSubscription;
        if (events.Count == 0) return (null, ApiError.Field("events", "events needs at least one event."));
        if (events.FirstOrDefault(e => !WebhookEvents.Subscribable.Contains(e)) is { } bad)
            return (null, ApiError.Field("events", $"Unknown event '{bad}'; events are {string.Join(", ", WebhookEvents.Subscribable)}."));

        var now = time.GetUtcNow();
        var endpoint = new WebhookEndpoint(Guid.CreateVersion7().ToString(), accountId, url!, events.Distinct().ToArray(),
            body.Enabled ?? true, WebhookSigner.NewSecret(), now, now, 0, body.Enabled == false ? "Created disabled." : null,
            body.Enabled == false ? now : null);
        await store.InsertEndpointAsync(endpoint, ct);
        return (new AdminWebhookSecretData(await ViewAsync(endpoint, ct), endpoint.Secret), null);
    }

    public async Task<(AdminWebhooksData? Data, ApiError? Error)> ListAsync(string accountId, CancellationToken ct)
    {
        if (await accounts.FindAccountAsync(accountId, ct) is null) return (null, AccountMissing(accountId));
        var views = new List<AdminWebhookData>();
        foreach (var endpoint in await store.ListEndpointsAsync(accountId, ct)) views.Add(await ViewAsync(endpoint, ct));
        return (new AdminWebhooksData(views), null);
    }

    public async Task<(AdminWebhookData? Data, ApiError? Error)> GetAsync(string accountId, string webhookId, CancellationToken ct)
        => await FindAsync(accountId, webhookId, ct) is var (endpoint, error) && error is not null ? (null, error) : (await ViewAsync(endpoint!, ct), null);

    public async Task<(AdminWebhookData? Data, ApiError? Error)> EnableAsync(string accountId, string webhookId, CancellationToken ct)
    {
        if ((await FindAsync(accountId, webhookId, ct)).Error is { } error) return (null, error);
        var enabled = await store.EnableAsync(webhookId, time.GetUtcNow() - options.Value.HoldWindow, ct);
        signal.Notify();
        return enabled is null ? (null, Missing(accountId, webhookId)) : (await ViewAsync(enabled, ct), null);
    }

    public async Task<(AdminWebhookData? Data, ApiError? Error)> DisableAsync(string accountId, string webhookId, CancellationToken ct,
        string reason = "Disabled by the operator.")
    {
        if ((await FindAsync(accountId, webhookId, ct)).Error is { } error) return (null, error);
        return await store.DisableAsync(webhookId, reason, ct) is { } disabled
            ? (await ViewAsync(disabled, ct), null)
            : (null, Missing(accountId, webhookId));
    }

    public async Task<(AdminWebhookSecretData? Data, ApiError? Error)> RotateAsync(string accountId, string webhookId, CancellationToken ct)
    {
        if ((await FindAsync(accountId, webhookId, ct)).Error is { } error) return (null, error);
        var secret = WebhookSigner.NewSecret();
        // Takes effect at once: every attempt from now on, retries included, is signed with the new secret.
        return await store.SetSecretAsync(webhookId, secret, ct) is { } rotated
            ? (new AdminWebhookSecretData(await ViewAsync(rotated, ct), secret), null)
            : (null, Missing(accountId, webhookId));
    }

    public async Task<(AdminWebhookDeliveryData? Data, ApiError? Error)> TestAsync(string accountId, string webhookId, CancellationToken ct)
    {
        if ((await FindAsync(accountId, webhookId, ct)).Error is { } error) return (null, error);
        var delivery = await store.StageForAsync(webhookId, WebhookEvents.TestEvent(accountId), ct);
        signal.Notify();
        return delivery is null ? (null, Missing(accountId, webhookId)) : (await ViewAsync(delivery, ct), null);
    }

    public async Task<(AdminWebhookDeletedData? Data, ApiError? Error)> DeleteAsync(string accountId, string webhookId, CancellationToken ct)
    {
        if ((await FindAsync(accountId, webhookId, ct)).Error is { } error) return (null, error);
        return await store.DeleteEndpointAsync(webhookId, ct) is { } canceled
            ? (new AdminWebhookDeletedData(webhookId, true, canceled), null)
            : (null, Missing(accountId, webhookId));
    }

    public async Task<(AdminWebhookDeliveriesData? Data, Page? Page, ApiError? Error)> DeliveriesAsync(string accountId, string webhookId, int limit, int offset,
        CancellationToken ct)
    {
        if ((await FindAsync(accountId, webhookId, ct)).Error is { } error) return (null, null, error);
        var (items, total) = await store.ListDeliveriesAsync(webhookId, limit, offset, ct);
        var views = new List<AdminWebhookDeliveryData>();
        foreach (var d in items) views.Add(await ViewAsync(d, ct));
        return (new AdminWebhookDeliveriesData(views), new Page(total, limit, offset), null);
    }

    public async Task<(AdminWebhookDeliveryData? Data, ApiError? Error)> DeliveryAsync(string accountId, string webhookId, string deliveryId, CancellationToken ct)
    {
        if ((await FindAsync(accountId, webhookId, ct)).Error is { } error) return (null, error);
        return await store.FindDeliveryAsync(deliveryId, ct) is { } d && d.EndpointId == webhookId ? (await ViewAsync(d, ct), null) : (null, DeliveryMissing(deliveryId));
    }

    public async Task<(AdminWebhookDeliveryData? Data, ApiError? Error)> ReplayAsync(string accountId, string webhookId, string deliveryId,
        CancellationToken ct)
    {
        if ((await FindAsync(accountId, webhookId, ct)).Error is { } error) return (null, error);
        if (await store.FindDeliveryAsync(deliveryId, ct) is not { } original || original.EndpointId != webhookId) return (null, DeliveryMissing(deliveryId));
        var replay = await store.ReplayAsync(deliveryId, ct);
        signal.Notify();
        return replay is null ? (null, DeliveryMissing(deliveryId)) : (await ViewAsync(replay, ct), null);
    }

    /// <summary>The endpoint when the account and its endpoint exist, else the error.</summary>
    private async Task<(WebhookEndpoint? Endpoint, ApiError? Error)> FindAsync(string accountId, string webhookId, CancellationToken ct)
    {
        if (await accounts.FindAccountAsync(accountId, ct) is null) return (null, AccountMissing(accountId));
        return await store.FindEndpointAsync(webhookId, ct) is { } endpoint && endpoint.AccountId == accountId ? (endpoint, null) : (null, Missing(accountId, webhookId));
    }

    private async Task<AdminWebhookData> ViewAsync(WebhookEndpoint e, CancellationToken ct) => new(e.Id, e.AccountId, e.Url, e.Events, e.Enabled, e.DisabledReason,
        Timestamps.Format(e.DisabledAt), e.ConsecutiveFailures, await store.CountHeldAsync(e.Id, ct), e.Secret[..Math.Min(e.Secret.Length, 10)] + "...",
        Timestamps.Format(e.CreatedAt), Timestamps.Format(e.UpdatedAt));

    private async Task<AdminWebhookDeliveryData> ViewAsync(WebhookDelivery d, CancellationToken ct)
    {
        var attempts = await store.AttemptsAsync(d.Id, ct);
        using var data = JsonDocument.Parse(d.DataJson);
        var generationId = data.RootElement.TryGetProperty("generation_id", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
        return new AdminWebhookDeliveryData(d.Id, d.EndpointId, d.EventId, d.EventType, generationId, d.Status, d.Attempts,
            Timestamps.Format(d.CreatedAt), Timestamps.Format(d.NextAttemptAt), Timestamps.Format(d.LastAttemptAt), d.LastStatusCode, d.LastError,
            Timestamps.Format(d.DeliveredAt), d.ReplayOf, d.ReleasedFrom, d.ReleasedAs, data.RootElement.Clone(),
            attempts.Select(a => new AdminWebhookAttemptData(a.Number, Timestamps.Format(a.AttemptedAt), a.StatusCode, a.Error,
                a.LatencyMs, a.Succeeded)).ToArray());
    }

    private static ApiError AccountMissing(string id) => new ApiError(BseCode.AccountNotFound, $"No account '{id}'.").With("account_id", id);

    private static ApiError Missing(string accountId, string webhookId)
        => new ApiError(BseCode.RouteNotFound, $"No webhook endpoint '{webhookId}' on account '{accountId}'.").With("webhook_id", webhookId);

    private static ApiError DeliveryMissing(string deliveryId)
        => new ApiError(BseCode.RouteNotFound, $"No delivery '{deliveryId}' on this webhook endpoint.").With("delivery_id", deliveryId);
}
