using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Webhooks;

/// <summary>
/// Sends due deliveries for the dispatcher and the retrier: one task per endpoint, so several endpoints are called
/// in parallel while each receives its deliveries one at a time, in creation order; an endpoint already being sent
/// to is skipped until its task ends (which wakes the dispatcher). Never awaits inside a transaction: it reads the
/// rows, sends, then records the outcome through the writer.
/// </summary>
public sealed class DeliveryRunner(
    IWebhookStore store,
    WebhookPayloads payloads,
    WebhookSender sender,
    RetrySchedule schedule,
    IOptions<WebhookOptions> options,
    OutboxSignal signal,
    TimeProvider time,
    WebhookMetrics metrics,
    ILogger<DeliveryRunner> log) : IDisposable
{
    private enum Next { Continue, Stop, Later }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    // This process's name on endpoint leases: a new one per start, so a crashed process's leases simply run out.
    private readonly string _owner = "sender-" + Guid.NewGuid().ToString("N");

    // Covers one attempt with room to spare; renewed before each one.
    private TimeSpan LeaseFor => options.Value.AttemptTimeout + TimeSpan.FromSeconds(30);

    /// <summary>Starts sending <paramref name="due"/> (oldest first); returns how many endpoint tasks it started.</summary>
    public int Start(IReadOnlyList<WebhookDelivery> due)
    {
        var ct = _stopping.Token;
        var started = 0;
        foreach (var group in due.GroupBy(d => d.EndpointId, StringComparer.Ordinal))
        {
            lock (_lock)
            {
                if (ct.IsCancellationRequested || _running.ContainsKey(group.Key) || _running.Count >= options.Value.MaxParallelEndpoints)
                    continue;
                var batch = group.OrderBy(d => d.Seq).ToArray();
                // Awaited by DrainAsync at shutdown; the task removes itself when done.
                _running[group.Key] = Task.Run(() => RunEndpointAsync(group.Key, batch, ct), CancellationToken.None);
                started++;
            }
        }
        return started;
    }

    /// <summary>Whether an endpoint task is sending to <paramref name="endpointId"/>.</summary>
    public bool IsSending(string endpointId)
    {
        lock (_lock) return _running.ContainsKey(endpointId);
    }

    /// <summary>
    /// At shutdown: cancels the requests in flight (they are not recorded, so they go out again after the restart) and
    /// waits for every endpoint task. Whichever of the dispatcher and the retrier stops first stops the sending of both.
    /// </summary>
    public async Task DrainAsync()
    {
        Task[] running;
        lock (_lock)
        {
            if (!_stopping.IsCancellationRequested) _stopping.Cancel();
            running = [.. _running.Values];
        }
        await Task.WhenAll(running);
    }

    private async Task RunEndpointAsync(string endpointId, WebhookDelivery[] batch, CancellationToken ct)
    {
        var wake = true;
        // An acknowledged attempt's record is not waited for before the next send (each waited for a whole group commit,
        // which bounded one endpoint to a few hundred deliveries a second): sends stay one at a time and in order, the
        // writer applies the records in that order, and they all commit before the endpoint counts as free, so a look
        // at the outbox never takes an acknowledged delivery for a due one.
        var recording = new List<Task>();
        try
        {
            foreach (var d in batch)
            {
                if (ct.IsCancellationRequested) break;
                // Another process sharing the database is sending to this endpoint: it has these deliveries in hand.
                if (!await store.LeaseEndpointAsync(endpointId, _owner, time.GetUtcNow() + LeaseFor, ct))
                {
                    wake = false;
                    break;
                }
                var next = await AttemptAsync(d, recording, ct);
                // Not ready yet: the next regular look retries, rather than a wake-up straight away.
                if (next == Next.Later) wake = false;
                if (next != Next.Continue) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // No wake-up: the next regular look at the outbox retries, so a broken store cannot make a busy loop.
            wake = false;
            log.LogError(ex, "Webhook deliveries to endpoint {EndpointId} stopped on an unexpected error", endpointId);
        }
        finally
        {
            try
            {
                await Task.WhenAll(recording);
            }
            catch (Exception ex)
            {
                wake = false;
                log.LogError(ex, "Recording webhook deliveries to endpoint {EndpointId} failed; they go out again", endpointId);
            }
            await ReleaseAsync(endpointId);
            lock (_lock) _running.Remove(endpointId);
        }
        if (wake) signal.Notify();
    }

    private async Task ReleaseAsync(string endpointId)
    {
        try
        {
            await store.ReleaseEndpointAsync(endpointId, _owner, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease runs out by itself; only another process's wait gets longer.
            log.LogWarning(ex, "The send lease of webhook endpoint {EndpointId} could not be given back", endpointId);
        }
    }

    /// <summary>One attempt of <paramref name="queued"/>, and whether its endpoint gets the rest of the batch now.</summary>
    private async Task<Next> AttemptAsync(WebhookDelivery queued, List<Task> recording, CancellationToken ct)
    {
        // 1. Re-read both rows: a delivery or endpoint changed since the rows were listed (disabled, deleted, already
        //    attempted) is skipped. Nothing has been sent yet.
        if (await store.FindEndpointAsync(queued.EndpointId, ct) is not { Enabled: true } endpoint) return Next.Stop;
        if (await store.FindDeliveryAsync(queued.Id, ct) is not { } d || d.Attempts != queued.Attempts || d.Status != queued.Status) return Next.Continue;
        var attemptedAt = time.GetUtcNow();
        WebhookMessage? message;
        try
        {
            message = await payloads.BuildAsync(d, endpoint, attemptedAt, ct);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return await RecordAsync(d, attemptedAt, new SendResult(null, $"The payload could not be built: {ex.Message}", 0), recording);
        }
        // Not ready to sign output links (the server's origin is not known yet): left due for the next look.
        if (message is null) return Next.Later;

        // 2. The request goes out. A crash between here and the commit in step 3 re-sends this attempt after a restart:
        //    delivery is at-least-once, and receivers dedupe on webhook_delivery_id.
        var result = await sender.SendAsync(endpoint.Url, message, ct);
        return await RecordAsync(d, attemptedAt, result, recording);
    }

    /// <param name="recording">Where an acknowledged attempt's record goes, to be waited for by the endpoint's run.</param>
    private async Task<Next> RecordAsync(WebhookDelivery d, DateTimeOffset attemptedAt, SendResult result, List<Task> recording)
    {
        var number = d.Attempts + 1;
        var (status, next) = result.Succeeded
            ? (DeliveryStatus.Delivered, (DateTimeOffset?)null)
            : schedule.AfterFailure(number, d.CreatedAt, time.GetUtcNow());
        var attempt = new WebhookAttempt(Guid.CreateVersion7().ToString(), d.Id, d.EndpointId, number, attemptedAt, result.StatusCode,
            result.Error, result.LatencyMs, result.Succeeded);
        // 3. The outcome is recorded even during shutdown, so an acknowledged delivery is never sent again.
        var record = store.RecordAttemptAsync(new AttemptRecord(attempt, status, next, result.Gone, options.Value.AutoDisableAfter),
            CancellationToken.None);
        metrics.Attempted(result.Succeeded, status);
        if (result.Succeeded)
        {
            recording.Add(record);
            return Next.Continue;
        }
        var recorded = await record;
        log.LogInformation("Webhook delivery {DeliveryId} ({Event}) attempt {Attempt} failed with {StatusCode} {Error}; now {Status}",
            d.Id, d.EventType, number, result.StatusCode, result.Error, status);
        if (recorded.EndpointDisabled)
            log.LogWarning("Webhook endpoint {EndpointId} was disabled after attempt {Attempt} of delivery {DeliveryId} ({StatusCode}); its deliveries are held",
                d.EndpointId, number, d.Id, result.StatusCode);
        else if (status == DeliveryStatus.Exhausted)
            log.LogWarning("Webhook delivery {DeliveryId} ({Event}) is exhausted after {Attempt} attempts", d.Id, d.EventType, number);
        return recorded.EndpointDisabled ? Next.Stop : Next.Continue;
    }

    public void Dispose() => _stopping.Dispose();
}
