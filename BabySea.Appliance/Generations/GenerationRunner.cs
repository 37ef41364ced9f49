using BabySea.Appliance.Api;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Runs one generation from the queue to a terminal state. Crash checkpoints:
/// (1) before <c>processing</c> is written: still pending, re-queued on start;
/// (2) during the chain: attempts are recorded, a restart resumes the provider job by its stored id;
/// (3) outputs on disk but not committed: the generation is still processing and is resumed, and the
///     files are written again under the same names;
/// (4) after the commit: terminal, with its charge or refund in the same transaction.
/// </summary>
public sealed class GenerationRunner(
    IGenerationStore store,
    ModelCatalog catalog,
    ProviderChain chain,
    ArtifactStore artifacts,
    ILogger<GenerationRunner> log)
{
    public async Task RunAsync(string generationId, CancellationToken ct)
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

        var result = await chain.RunAsync(generation, model, ct);
        switch (result)
        {
            case ChainResult.Succeeded s:
                var saved = await artifacts.SaveAsync(generationId, s.Outputs, CancellationToken.None);
                // The commit that charges the caller ignores stopping on purpose: half a success must not remain.
                if (await store.SucceedAsync(generationId, s.Provider, saved, s.PredictSeconds, CancellationToken.None) is null)
                    artifacts.Delete(generationId); // canceled while downloading: the refund stands, the files go
                else
                    log.LogInformation("Generation {GenerationId} succeeded on {Provider} with {Count} outputs", generationId, s.Provider, saved.Count);
                break;
            case ChainResult.Failed f:
                await store.FailAsync(generationId, BseCatalog.Format(f.Code), f.Message, CancellationToken.None);
                log.LogWarning("Generation {GenerationId} failed with {Bse}: {Reason}", generationId, BseCatalog.Format(f.Code), f.Message);
                break;
        }
    }
}
