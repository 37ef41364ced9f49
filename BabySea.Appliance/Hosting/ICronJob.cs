using Cronos;

namespace BabySea.Appliance.Hosting;

/// <summary>Periodic work on a cron schedule (UTC), run by <see cref="CronScheduler"/>.</summary>
public interface ICronJob
{
    string Name { get; }
    CronExpression Schedule { get; }
    Task RunAsync(CancellationToken ct);
}
