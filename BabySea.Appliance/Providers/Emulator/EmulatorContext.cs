using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>What every emulator needs: a clock, its options, the fault chooser and the shared output files.</summary>
public sealed record EmulatorContext(TimeProvider Time, IOptions<EmulatorOptions> Options, EmulatorFaults Faults, EmulatorFiles Files)
{
    /// <summary>
    /// Holds a synchronous provider's call while its job is made (for good when it never finishes); false when the
    /// client went away first. Timers may fire a tick early, and the outputs exist only once the ready time has
    /// passed, so the wait repeats until it has.
    /// </summary>
    public async Task<bool> HoldUntilReadyAsync(EmulatedJob job, CancellationToken aborted)
    {
        try
        {
            if (job.NeverFinishes) await Task.Delay(Timeout.InfiniteTimeSpan, Time, aborted);
            for (var wait = job.ReadyAt - Time.GetUtcNow(); wait > TimeSpan.Zero; wait = job.ReadyAt - Time.GetUtcNow())
                await Task.Delay(wait, Time, aborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
