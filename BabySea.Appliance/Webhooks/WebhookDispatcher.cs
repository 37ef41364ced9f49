using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Webhooks;

/// <summary>
/// Delivers the outbox promptly: woken right after a commit that staged deliveries (<see cref="OutboxSignal"/>) and
/// every <c>Webhooks:PollInterval</c> (1 s, the precision of the quick attempts' 1/4/16/60 s delays), it hands due
/// <c>pending</c> deliveries to the <see cref="DeliveryRunner"/>. Its state is all in LiteDB, so a restart picks up
/// where the last process stopped: what was staged but not sent is sent, what was acknowledged is not.
/// </summary>
public sealed class WebhookDispatcher(
    IWebhookStore store,
    DeliveryRunner runner,
    OutboxSignal signal,
    IOptions<WebhookOptions> options,
    TimeProvider time) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One periodic timer for the service's life: its ticks stay on the clock's grid, so a test that steps a fake
        // clock to a due time is never overtaken by a timer created a moment too late.
        using var tick = new PeriodicTimer(options.Value.PollInterval, time);
        Task? signaled = null, ticked = null;
        var look = true;
        try
        {
            while (true)
            {
                if (look) runner.Start(await store.DueAsync(DeliveryStatus.Pending, time.GetUtcNow(), BatchSize, stoppingToken));
                signaled ??= signal.WaitAsync(stoppingToken);
                ticked ??= tick.WaitForNextTickAsync(stoppingToken).AsTask();
                var woken = await Task.WhenAny(signaled, ticked);
                await woken; // surfaces the cancellation at shutdown
                if (woken == signaled)
                {
                    signaled = null;
                    // Staged only for endpoints being sent to: a look would load the same due rows and start nothing; each
                    // of those runs wakes this loop when it ends. Under steady load that was most of the dispatcher's cost.
                    look = signal.Take() is not { } named || !named.All(runner.IsSending);
                }
                else
                {
                    ticked = null;
                    look = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await runner.DrainAsync();
        }
    }
}
