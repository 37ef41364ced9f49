using BabySea.Appliance.Api;
using BabySea.Appliance.Routing;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Generations;

/// <summary>
/// The backstop behind every deadline: once a minute, any generation still non-terminal past its whole-generation
/// budget that no worker holds (its run ended on an unexpected error, say) is failed and refunded. A running
/// generation is left to its own budget, which the provider chain enforces.
/// </summary>
public sealed class GenerationSweeper(
    IGenerationStore store,
    RunningGenerations running,
    IOptions<RoutingOptions> routing,
    IOptions<GenerationOptions> options,
    TimeProvider time,
    GenerationMetrics metrics,
    ILogger<GenerationSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await SweepAsync();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> SweepAsync()
    {
        var now = time.GetUtcNow();
        var swept = 0;
        // Unclaimed: no worker holds a live lease on it.
        foreach (var g in await store.UnclaimedAsync(now, null, CancellationToken.None))
        {
            if (running.IsRunning(g.Id) || now < g.CreatedAt + routing.Value.GenerationDeadline(g.MediaType)) continue;
            // A terminal write is never skipped for shutdown: it carries the refund.
            if (await store.ApplyAsync(g.Id, new LifecycleEvent.Fail(BseCode.ProviderTimeout, "The generation passed its deadline without finishing.", []),
                    null, CancellationToken.None) is TransitionOutcome.Applied failed)
            {
                metrics.Ended(failed.Generation);
                swept++;
                log.LogWarning("Generation {GenerationId} passed its deadline and was failed with a refund", g.Id);
            }
        }
        return swept;
    }
}
