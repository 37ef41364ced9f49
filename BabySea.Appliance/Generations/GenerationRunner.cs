using BabySea.Appliance.Api;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Runs one generation, claimed (and so started) by its worker, to a terminal state. Crash checkpoints:
/// (1) before the claim commits <c>processing</c>: still pending, re-queued on start;
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
    GenerationMetrics metrics,
    ILogger<GenerationRunner> log)
{
    /// <summary>The attempt a run of <paramref name="generation"/> opens with, for the claim to record (<see cref="ProviderChain.Opening"/>).</summary>
    public Attempt? Opening(Generation generation) => chain.Opening(generation);

    /// <param name="generation">The generation as its lease was claimed.</param>
    /// <param name="opening">The attempt the claim recorded for this run (<see cref="Opening"/>), if any.</param>
    /// <param name="canceled">The owner's cancel or shutdown.</param>
    /// <param name="stopping">Shutdown alone.</param>
    /// <returns>Whether the generation is terminal now; false when the run was interrupted and resumes later.</returns>
    public async Task<bool> RunAsync(Generation generation, Attempt? opening, CancellationToken canceled, CancellationToken stopping)
    {
        var id = generation.Id;
        if (generation.Status.IsTerminal()) return true;
        using var run = metrics.Running(generation.MediaType);
        if (catalog.Find(generation.ModelIdentifier) is not { } model)
        {
            Ended(await store.ApplyAsync(id, new LifecycleEvent.Fail(BseCode.ModelNotFound, $"Model {generation.ModelIdentifier} is no longer in the catalog.", []),
                null, CancellationToken.None));
            return true;
        }
        // Claiming it started it (pending → processing); outputs on disk always come from an attempt recorded before this run.
        if (opening is null && generation.Attempts.Count > 0 && artifacts.FindCompleted(id) is { } done
            && generation.Attempts.FirstOrDefault(a => a.Number == done.Attempt) is { } attempt)
        {
            // The provider's outputs reached the disk before the last stop, but not the commit: commit them now.
            await CommitAsync(id, attempt with { Outcome = AttemptOutcome.Used, FinishedAt = attempt.FinishedAt ?? time.GetUtcNow() },
                done.Artifacts, done.PredictSeconds);
            return true;
        }

        switch (await chain.RunAsync(generation, model, opening, canceled, stopping))
        {
            case ChainResult.Succeeded s:
                // Neither the files nor the commit that charges the caller stop for shutdown: half a success must not remain.
                var saved = await artifacts.SaveAsync(id, s.Used, s.Outputs, s.PredictSeconds, CancellationToken.None);
                await CommitAsync(id, s.Used, saved, s.PredictSeconds);
                return true;
            case ChainResult.Failed f:
                Ended(await store.ApplyAsync(id, new LifecycleEvent.Fail(f.Code, f.Message, f.Errors), null, CancellationToken.None));
                log.LogWarning("Generation {GenerationId} failed with {Bse}: {Reason}", id, BseCatalog.Format(f.Code), f.Message);
                return true;
            default:
                // Stopped: canceled by its owner (already terminal) or interrupted by shutdown (resumes later).
                return canceled.IsCancellationRequested && !stopping.IsCancellationRequested;
        }
    }

    private async Task CommitAsync(string generationId, Attempt used, IReadOnlyList<Artifact> saved, double? predictSeconds)
    {
        var outcome = await store.ApplyAsync(generationId, new LifecycleEvent.Succeed(used, saved, predictSeconds), null, CancellationToken.None);
        Ended(outcome);
        if (outcome is not TransitionOutcome.Applied)
            artifacts.Delete(generationId); // canceled while downloading: the refund stands, the files go
        else
            log.LogInformation("Generation {GenerationId} succeeded on {Provider} with {Count} outputs", generationId, used.Provider, saved.Count);
    }

    private void Ended(TransitionOutcome outcome)
    {
        if (outcome is TransitionOutcome.Applied applied) metrics.Ended(applied.Generation);
    }
}
