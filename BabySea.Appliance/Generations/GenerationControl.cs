using BabySea.Appliance.Api;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Generations;

/// <summary>
/// An owner's hand on a generation after it was admitted: cancel (stop the run, refund, best-effort cancel at the
/// provider) and delete (outputs removed, the record kept for the ledger).
/// </summary>
public sealed class GenerationControl(IGenerationStore store, RunningGenerations running, ProviderRegistry registry, ArtifactStore artifacts,
    GenerationMetrics metrics)
{
    public async Task<(CancelData? Data, ApiError? Error)> CancelAsync(string accountId, string generationId, CancellationToken ct)
    {
        switch (await store.ApplyAsync(generationId, new LifecycleEvent.Cancel(), accountId, ct))
        {
            case TransitionOutcome.Applied c:
                running.Stop(generationId);
                metrics.Ended(c.Generation);
                var sent = await CancelAtProviderAsync(c.Generation);
                return (new CancelData(generationId, GenerationStatus.Canceled.Name(), sent, c.Generation.Cost > 0), null);
            case TransitionOutcome.Refused { Generation.Status: var status }:
                return (null, new ApiError(BseCode.GenerationNotCancelable, $"The generation is already {status.Name()} and cannot be canceled.")
                    .With("generation_status", status.Name()));
            default:
                return (null, NotFound(generationId));
        }
    }

    public async Task<(DeleteData? Data, ApiError? Error)> DeleteAsync(string accountId, string generationId, CancellationToken ct)
    {
        switch (await store.ApplyAsync(generationId, new LifecycleEvent.Remove(), accountId, ct))
        {
            case TransitionOutcome.Applied:
                return (new DeleteData(generationId, artifacts.Delete(generationId)), null);
            case TransitionOutcome.Refused { Generation.Status: var status }:
                return (null, new ApiError(BseCode.GenerationNotCancelable,
                    $"The generation is still {status.Name()}; cancel it before deleting it.").With("generation_status", status.Name()));
            default:
                return (null, NotFound(generationId));
        }
    }

    public static ApiError NotFound(string generationId)
        => new ApiError(BseCode.GenerationNotFound, $"Generation '{generationId}' was not found.").With("generation_id", generationId);

    private async Task<bool> CancelAtProviderAsync(Generation g)
    {
        if (g.Attempts.LastOrDefault(a => a.Outcome == AttemptOutcome.Running && a.JobId is not null) is not { } attempt) return false;
        if (registry.Find(attempt.Provider) is not ICancelingAdapter adapter) return false;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await adapter.CancelAsync(new ProviderJob(attempt.Provider, attempt.JobId!, attempt.PollUrl, attempt.CancelUrl), cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
