namespace BabySea.Appliance.Webhooks;

/// <summary>
/// Where an event goes and what becomes of a delivery: fan-out to subscribed endpoints, hold while an endpoint is
/// disabled, release or expiry when it is enabled again, the outcome of an attempt. Storage applies these inside the
/// transaction of the change that causes them.
/// </summary>
public static class DeliveryRules
{
    /// <summary>The endpoints of the event's account that subscribe to it, in a stable order: one delivery each.</summary>
    public static IReadOnlyList<WebhookEndpoint> FanOut(WebhookEvent e, IEnumerable<WebhookEndpoint> accountEndpoints)
        => accountEndpoints.Where(ep => ep.AccountId == e.AccountId && ep.Events.Contains(e.Type))
            .OrderBy(ep => ep.Id, StringComparer.Ordinal).ToArray();

    /// <summary>A new delivery waits (held) for a disabled endpoint, and is sent at once to an enabled one.</summary>
    public static string InitialStatus(bool endpointEnabled) => endpointEnabled ? DeliveryStatus.Pending : DeliveryStatus.Held;

    /// <summary>What disabling an endpoint holds.</summary>
    public static readonly IReadOnlyList<string> HeldByDisable = [DeliveryStatus.Pending, DeliveryStatus.Failed];

    /// <summary>What deleting an endpoint cancels.</summary>
    public static readonly IReadOnlyList<string> CanceledByDelete = [DeliveryStatus.Pending, DeliveryStatus.Failed, DeliveryStatus.Held];

    /// <summary>
    /// A held delivery when its endpoint is enabled again: one held past the hold window expires, a younger one is
    /// re-sent as a new delivery (fresh id, timestamp and signature) and this one is marked released.
    /// </summary>
    public static string OnEnable(DateTimeOffset heldCreatedAt, DateTimeOffset holdCutoff)
        => heldCreatedAt < holdCutoff ? DeliveryStatus.Expired : DeliveryStatus.Released;

    /// <summary>What an attempt does to its delivery and endpoint.</summary>
    /// <param name="Status">The delivery's status after the attempt.</param>
    /// <param name="NextAttemptAt">When the delivery is tried again; null when it is not.</param>
    /// <param name="Failures">The endpoint's consecutive failures after the attempt.</param>
    /// <param name="DisableReason">Set when the attempt disables the endpoint.</param>
    public sealed record AttemptEffect(string Status, DateTimeOffset? NextAttemptAt, int Failures, string? DisableReason);

    /// <summary>
    /// A 2xx makes the delivery delivered whatever happened to it while the attempt was in flight; a failure reschedules
    /// it only while it is still pending or failed (a delivery held, exhausted or canceled meanwhile keeps that state) and
    /// counts against an enabled endpoint, which a 410 Gone or too many consecutive failures disables.
    /// </summary>
    public static AttemptEffect AfterAttempt(AttemptRecord record, string currentStatus, DateTimeOffset? currentNext, int endpointFailures, bool endpointEnabled)
    {
        var a = record.Attempt;
        if (a.Succeeded) return new AttemptEffect(DeliveryStatus.Delivered, null, 0, null);
        var reschedule = currentStatus is DeliveryStatus.Pending or DeliveryStatus.Failed;
        var failures = endpointFailures + 1;
        string? disable = !endpointEnabled ? null
            : record.Gone ? "The endpoint answered 410 Gone."
            : failures >= record.AutoDisableAfter ? $"{failures} consecutive failed attempts."
            : null;
        return new AttemptEffect(reschedule ? record.NextStatus : currentStatus, reschedule ? record.NextAttemptAt : currentNext, failures, disable);
    }
}
