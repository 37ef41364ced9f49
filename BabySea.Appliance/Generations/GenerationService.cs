using System.Text.Json;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Generations;

/// <summary>
/// The caller-facing lifecycle operations. Create does nothing slow: it validates, prices, and in one write
/// reserves credits and stores the generation as pending, then hands the id to the queue.
/// </summary>
public sealed class GenerationService(
    ModelCatalog catalog,
    ProviderRegistry registry,
    ProviderOrder providerOrder,
    IGenerationStore store,
    GenerationQueue queue,
    RunningGenerations running,
    ArtifactStore artifacts,
    TimeProvider time)
{
    public async Task<(Generation? Generation, ApiError? Error)> CreateAsync(string accountId, MediaType route, string modelId, JsonElement body, CancellationToken ct)
    {
        if (catalog.Find(modelId) is not { } model)
            return (null, new ApiError(BseCode.ModelNotFound, $"Model '{modelId}' is not in the catalog.").With("model_identifier", modelId));
        if (model.Type != route)
            return (null, new ApiError(BseCode.ModelTypeMismatch,
                $"{model.Id} is a {model.Type.Name()} model; use POST /v1/generate/{model.Type.Name()}/{model.Id}.").With("model_type", model.Type.Name()));
        var (request, invalid) = GenerationValidator.Validate(model, body);
        if (invalid is not null) return (null, invalid);
        var (order, orderError) = providerOrder.Resolve(model, request!.ProviderOrder);
        if (orderError is not null) return (null, orderError);
        if (Pricing.Total(model, request) is not { } cost)
            return (null, ApiError.Field("generation_resolution", $"{model.Id} has no price for this resolution and audio choice."));
        if (!queue.HasRoom)
            return (null, new ApiError(BseCode.ServiceOverloaded, "The generation queue is full. Retry shortly."));

        var generation = new Generation
        {
            Id = Guid.CreateVersion7().ToString(),
            AccountId = accountId,
            ModelIdentifier = model.Id,
            MediaType = model.Type,
            Status = GenerationStatus.Pending,
            ProviderOrder = order!,
            Request = request,
            Cost = cost,
            CreatedAt = time.GetUtcNow(),
        };
        switch (await store.CreateAsync(generation, ct))
        {
            case CreateOutcome.Created:
                // Already durable as pending: if the process dies before a worker takes it, start-up re-queues it.
                await queue.EnqueueAsync(generation.Id, CancellationToken.None);
                return (generation, null);
            case CreateOutcome.InsufficientCredits short_:
                return (null, new ApiError(BseCode.InsufficientCredits, "Insufficient credits. Please upgrade your plan or wait for renewal.")
                    .With("credit_balance", short_.Balance).With("required", short_.Required));
            default:
                return (null, new ApiError(BseCode.AccountNotFound, "The account of this API key no longer exists."));
        }
    }

    public async Task<(CancelData? Data, ApiError? Error)> CancelAsync(string accountId, string generationId, CancellationToken ct)
    {
        switch (await store.CancelAsync(accountId, generationId, ct))
        {
            case CancelOutcome.Canceled c:
                running.Stop(generationId);
                var sent = await CancelAtProviderAsync(c.Generation);
                return (new CancelData(generationId, GenerationStatus.Canceled.Name(), sent, c.Generation.Cost > 0), null);
            case CancelOutcome.NotCancelable n:
                return (null, new ApiError(BseCode.GenerationNotCancelable, $"The generation is already {n.Status.Name()} and cannot be canceled.")
                    .With("generation_status", n.Status.Name()));
            default:
                return (null, NotFound(generationId));
        }
    }

    public async Task<(DeleteData? Data, ApiError? Error)> DeleteAsync(string accountId, string generationId, CancellationToken ct)
    {
        switch (await store.RemoveAsync(accountId, generationId, ct))
        {
            case RemoveOutcome.Removed:
                return (new DeleteData(generationId, artifacts.Delete(generationId)), null);
            case RemoveOutcome.NotTerminal n:
                return (null, new ApiError(BseCode.GenerationNotCancelable,
                    $"The generation is still {n.Status.Name()}; cancel it before deleting it.").With("generation_status", n.Status.Name()));
            default:
                return (null, NotFound(generationId));
        }
    }

    public static ApiError NotFound(string generationId)
        => new ApiError(BseCode.GenerationNotFound, $"Generation '{generationId}' was not found.").With("generation_id", generationId);

    private async Task<bool> CancelAtProviderAsync(Generation g)
    {
        if (g.Attempts.LastOrDefault(a => a.Outcome == AttemptOutcome.Running && a.JobId is not null) is not { } attempt) return false;
        if (registry.Find(attempt.Provider) is not { } adapter) return false;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await adapter.CancelAsync(new Providers.ProviderJob(attempt.Provider, attempt.JobId!, attempt.PollUrl, attempt.CancelUrl), cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
