namespace BabySea.Appliance.Webhooks;

/// <summary>
/// Storage of webhook endpoints, deliveries and attempts. Every write is one writer command, so a state change and
/// the rows it implies (disable and hold, enable and release, attempt and schedule) commit together or not at all.
/// </summary>
public interface IWebhookStore
{
    Task InsertEndpointAsync(WebhookEndpoint endpoint, CancellationToken ct);
    Task<WebhookEndpoint?> FindEndpointAsync(string endpointId, CancellationToken ct);
    Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string accountId, CancellationToken ct);
    Task<int> CountHeldAsync(string endpointId, CancellationToken ct);

    /// <summary>
    /// Enables the endpoint, resets its failure counter and re-sends its held deliveries created at or after
    /// <paramref name="holdCutoff"/> as new deliveries in creation order; older held ones expire.
    /// </summary>
    Task<WebhookEndpoint?> EnableAsync(string endpointId, DateTimeOffset holdCutoff, CancellationToken ct);

    /// <summary>Disables the endpoint and holds its pending and failed deliveries.</summary>
    Task<WebhookEndpoint?> DisableAsync(string endpointId, string reason, CancellationToken ct);

    Task<WebhookEndpoint?> SetSecretAsync(string endpointId, string secret, CancellationToken ct);

    /// <summary>Deletes the endpoint and cancels its open deliveries; null when there is no such endpoint.</summary>
    Task<int?> DeleteEndpointAsync(string endpointId, CancellationToken ct);

    /// <summary>Stages <paramref name="e"/> for this one endpoint, whatever it subscribes to (the test event).</summary>
    Task<WebhookDelivery?> StageForAsync(string endpointId, WebhookEvent e, CancellationToken ct);

    /// <summary>A new delivery of the same event to the same endpoint, with a fresh delivery id.</summary>
    Task<WebhookDelivery?> ReplayAsync(string deliveryId, CancellationToken ct);

    Task<WebhookDelivery?> FindDeliveryAsync(string deliveryId, CancellationToken ct);

    /// <summary>An endpoint's deliveries, newest first.</summary>
    Task<(IReadOnlyList<WebhookDelivery> Items, int Total)> ListDeliveriesAsync(string endpointId, int limit, int offset, CancellationToken ct);

    Task<IReadOnlyList<WebhookAttempt>> AttemptsAsync(string deliveryId, CancellationToken ct);

    /// <summary>Deliveries in <paramref name="status"/> whose next attempt is due, oldest first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> DueAsync(string status, DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>
    /// Takes or extends <paramref name="owner"/>'s right to send <paramref name="endpointId"/>'s deliveries until
    /// <paramref name="until"/>; false while another owner's right runs. Processes sharing one database thus send an
    /// endpoint's deliveries from one of them at a time: in order, and none twice at once.
    /// </summary>
    Task<bool> LeaseEndpointAsync(string endpointId, string owner, DateTimeOffset until, CancellationToken ct);

    /// <summary>Gives the right back early, so another process may send at once.</summary>
    Task ReleaseEndpointAsync(string endpointId, string owner, CancellationToken ct);

    /// <summary>
    /// Logs an attempt and applies its outcome, compare-and-set on the delivery's attempt count: a 2xx makes it delivered,
    /// a failure reschedules it while it is still pending or failed, and counts against the endpoint.
    /// </summary>
    Task<AttemptRecorded> RecordAttemptAsync(AttemptRecord record, CancellationToken ct);

    /// <summary>
    /// Pending and failed deliveries created before <paramref name="retryCutoff"/> become exhausted; held ones created
    /// before <paramref name="holdCutoff"/> expire. Returns how many changed.
    /// </summary>
    Task<int> ExpireAsync(DateTimeOffset retryCutoff, DateTimeOffset holdCutoff, CancellationToken ct);
}

/// <summary>
/// An attempt to log, and what the delivery becomes if it failed (<paramref name="NextStatus"/> and
/// <paramref name="NextAttemptAt"/>). <paramref name="Gone"/> (410) disables the endpoint, as do
/// <paramref name="AutoDisableAfter"/> consecutive failures.
/// </summary>
public sealed record AttemptRecord(WebhookAttempt Attempt, string NextStatus, DateTimeOffset? NextAttemptAt, bool Gone, int AutoDisableAfter);

/// <summary>Whether the attempt was recorded (false: another record got there first) and whether it disabled the endpoint.</summary>
public sealed record AttemptRecorded(bool Recorded, bool EndpointDisabled);
