using Cronos;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// Runs each <see cref="ICronJob"/> at its occurrences. The next occurrence is computed from the previous one,
/// never from "now": a timer that wakes a millisecond early would otherwise fire the same occurrence again. With several
/// nodes on one database, an occurrence runs on whichever node takes the job's lock (<see cref="IJobLocks"/>).
/// </summary>
public sealed class CronScheduler(IEnumerable<ICronJob> jobs, IJobLocks locks, TimeProvider time, ILogger<CronScheduler> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(jobs.Select(job => LoopAsync(job, stoppingToken)));

    private async Task LoopAsync(ICronJob job, CancellationToken ct)
    {
        var last = time.GetUtcNow().UtcDateTime;
        while (!ct.IsCancellationRequested)
        {
            if (job.Schedule.GetNextOccurrence(last, TimeZoneInfo.Utc) is not { } next) return;
            var wait = next - time.GetUtcNow().UtcDateTime;
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
                if (!await locks.RunExclusiveAsync(job.Name, job.RunAsync, ct))
                    log.LogDebug("Scheduled job {Job} is running on another node; skipped here", job.Name);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Scheduled job {Job} failed; it runs again at its next occurrence", job.Name);
            }
            // A run longer than the interval skips the occurrences it overlapped instead of firing them all at once.
            var now = time.GetUtcNow().UtcDateTime;
            last = next > now ? next : now;
        }
    }

    public static CronExpression Parse(string key, string expression)
        => CronExpression.TryParse(expression, CronFormat.Standard, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"{key} '{expression}' is not a valid cron expression.");
}
