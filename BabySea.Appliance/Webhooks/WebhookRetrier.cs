using Cronos;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Webhooks;

/// <summary>
/// The Cronos-scheduled retrier (<c>Webhooks:RetrySchedule</c>, every minute by default). On each occurrence it marks
/// deliveries past the retry window <c>exhausted</c> and held ones past the hold window <c>expired</c>, then hands
/// <c>failed</c> deliveries whose growing, jittered retry time has come to the <see cref="DeliveryRunner"/>.
/// </summary>
public sealed class WebhookRetrier(
    IWebhookStore store,
    DeliveryRunner runner,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookRetrier> log) : BackgroundService
{
    private const int BatchSize = 500;

    /// <summary>The clock time of the last completed occurrence (tests step a fake clock and wait for it).</summary>
    public DateTimeOffset? LastRun { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cron = CronExpression.Parse(options.Value.RetrySchedule, CronFormat.Standard);
        // A steady tick (Webhooks:PollInterval, 1 s) compared with the occurrence, rather than a delay computed per
        // occurrence: a delay that wakes early finds the same occurrence again (stack.md §4), and one created late drifts.
        using var tick = new PeriodicTimer(options.Value.PollInterval, time);
        var next = cron.GetNextOccurrence(time.GetUtcNow(), TimeZoneInfo.Utc);
        try
        {
            while (next is not null && await tick.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                if (now < next) continue;
                await RunOnceAsync();
                // The next occurrence after the one that fired (or after now, when the process fell behind), so an
                // occurrence never fires twice and missed ones are not replayed in a burst.
                next = cron.GetNextOccurrence(now > next.Value ? now : next.Value, TimeZoneInfo.Utc);
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

    /// <summary>One occurrence: expire what ran out of time, start what is due. Returns the endpoint tasks started.</summary>
    public async Task<int> RunOnceAsync()
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var expired = await store.ExpireAsync(now - o.RetryWindow, now - o.HoldWindow, CancellationToken.None);
        if (expired > 0) log.LogWarning("{Count} webhook deliveries ran out of time (exhausted or expired)", expired);
        var started = runner.Start(await store.DueAsync(DeliveryStatus.Failed, now, BatchSize, CancellationToken.None));
        LastRun = now;
        return started;
    }
}
