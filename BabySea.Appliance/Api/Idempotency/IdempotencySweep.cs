using BabySea.Appliance.Hosting;
using Cronos;

namespace BabySea.Appliance.Api.Idempotency;

/// <summary>Deletes idempotency records past their 24-hour window (<c>Idempotency:SweepSchedule</c>, default every 10 minutes).</summary>
public sealed class IdempotencySweep(IIdempotencyStore store, IConfiguration config, ILogger<IdempotencySweep> log) : ICronJob
{
    public string Name => "idempotency-sweep";

    public CronExpression Schedule { get; } = CronScheduler.Parse("Idempotency:SweepSchedule", config["Idempotency:SweepSchedule"] ?? "*/10 * * * *");

    public async Task RunAsync(CancellationToken ct)
    {
        var removed = await store.SweepExpiredAsync(ct);
        if (removed > 0) log.LogInformation("Removed {Count} expired idempotency records", removed);
    }
}
