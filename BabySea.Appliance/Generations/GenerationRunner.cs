using BabySea.Appliance.Api;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Runs one generation from the queue to a terminal state. Crash checkpoints:
/// (1) before <c>processing</c> is written: still pending, re-queued on start;
/// (2) during the chain: attempts are recorded, a restart resumes the provider job by its stored id;
/// (3) outputs on disk with their manifest but not committed: the restart commits them as they are, with no new
///     provider call; outputs without a manifest are fetched again from the resumed job;
/// (4) after the commit: terminal, with its charge or refund in the same transaction.
/// </summary>
public sealed class GenerationRunner(
    IGenerationStore store,
    ModelCatalog catalog,
    ProviderChain chain,
    ArtifactStore artifacts,
    TimeProvider time,
    ILogger<GenerationRunner> log)
{
    /// <param name="canceled">The owner's cancel or shutdown.</param>
    /// <param name="stopping">Shutdown alone.</param>
    public async Task RunAsync(string generationId, CancellationToken canceled, CancellationToken stopping)
    {
        var generation = store.Get(generationId);
        if (generation is null || generation.Status.IsTerminal()) return;
        if (catalog.Find(generation.ModelIdentifier) is not { } model)
        {
            await store.FailAsync(generationId, BseCatalog.Format(BseCode.ModelNotFound), $"Model {generation.ModelIdentifier} is no longer in the catalog.", CancellationToken.None);
            return;
        }
        if (generation.Status == GenerationStatus.Pending)
        {
            generation = await store.MarkProcessingAsync(generationId, CancellationToken.None);
            if (generation is null) return; // canceled before a worker took it
        }
        else if (artifacts.FindCompleted(generationId) is { } done && generation.Attempts.FirstOrDefault(a => a.Number == done.Attempt) is { } attempt)
        {
            // The provider's outputs reached the disk before the last stop, but not the commit: commit them now.
            await CommitAsync(generationId, attempt with { Outcome = AttemptOutcome.Used, FinishedAt = attempt.FinishedAt ?? time.GetUtcNow() },
                done.Artifacts, done.PredictSeconds);
            return;
        }

        switch (await chain.RunAsync(generation, model, canceled, stopping))
        {
            case ChainResult.Succeeded s:
                // Neither the files nor the commit that charges the caller stop for shutdown: half a success must not remain.
                var saved = await artifacts.SaveAsync(generationId, s.Used, s.Outputs, s.PredictSeconds, CancellationToken.None);
                await CommitAsync(generationId, s.Used, saved, s.PredictSeconds);
                break;
            case ChainResult.Failed f:
                await store.FailAsync(generationId, BseCatalog.Format(f.Code), f.Message, CancellationToken.None);
                log.LogWarning("Generation {GenerationId} failed with {Bse}: {Reason}", generationId, BseCatalog.Format(f.Code), f.Message);
                break;
        }
    }

    private async Task CommitAsync(string generationId, Attempt used, IReadOnlyList<Artifact> saved, double? predictSeconds)
    {
        if (await store.SucceedAsync(generationId, used, saved, predictSeconds, CancellationToken.None) is null)
            artifacts.Delete(generationId); // canceled while downloading: the refund stands, the files go
        else
            log.LogInformation("Generation {GenerationId} succeeded on {Provider} with {Count} outputs", generationId, used.Provider, saved.Count);
    }
}
