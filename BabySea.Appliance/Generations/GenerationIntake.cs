using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Generations;

/// <summary>
/// The way in: validates, prices, and in one write (<see cref="Admission"/>) reserves credits and stores the generation
/// as pending, then hands the id to the queue. Nothing slow happens here.
/// </summary>
public sealed class GenerationIntake(
    ModelCatalog catalog,
    ProviderOrder providerOrder,
    PlanCatalog plans,
    IIdempotencyStore idempotency,
    IGenerationStore store,
    GenerationQueue queue,
    TimeProvider time,
    GenerationMetrics metrics)
{
    /// <summary>
    /// Creates a generation, or replays the stored answer of an earlier create with the same <c>Idempotency-Key</c>
    /// and body. Returns the <c>data</c> JSON of the answer and whether it is a replay.
    /// </summary>
    public async Task<(string? DataJson, bool Replayed, ApiError? Error)> CreateAsync(Account account, MediaType route, string modelId,
        JsonElement body, string? idempotencyKey, CancellationToken ct)
    {
        string? fingerprint = null;
        if (idempotencyKey is not null)
        {
            if (!IdempotencyKeys.IsValid(idempotencyKey))
                return (null, false, new ApiError(BseCode.InvalidIdempotencyKey,
                    "Idempotency-Key must be 1–255 characters of letters, digits, '_', '-', ':' or '.'.").With("field", IdempotencyKeys.Header));
            fingerprint = IdempotencyKeys.Fingerprint(route.Name(), modelId, body);
            // The fast path; admission checks again in its transaction, which is what decides.
            if (await idempotency.FindAsync(account.Id, idempotencyKey, ct) is { } earlier)
                return earlier.Fingerprint == fingerprint ? await ReplayAsync(earlier.ResponseJson, earlier.GenerationId, ct) : (null, false, KeyReused());
        }
        return await CreateNewAsync(account, route, modelId, body, idempotencyKey is null ? null : (idempotencyKey, fingerprint!), ct);
    }

    private static ApiError KeyReused()
        => new ApiError(BseCode.IdempotencyKeyReused, "This Idempotency-Key was already used with a different request body.").With("field", IdempotencyKeys.Header);

    private async Task<(string? DataJson, bool Replayed, ApiError? Error)> ReplayAsync(string responseJson, string generationId, CancellationToken ct)
    {
        // Reference §5.4: a replay of a generation canceled since answers with its id and status only.
        return await store.FindAsync(generationId, null, ct) is { Status: GenerationStatus.Canceled }
            ? (new JsonObject { ["generation_id"] = generationId, ["generation_status"] = "canceled" }.ToJsonString(), true, null)
            : (responseJson, true, null);
    }

    private async Task<(string? DataJson, bool Replayed, ApiError? Error)> CreateNewAsync(Account account, MediaType route, string modelId, JsonElement body,
        (string Key, string Fingerprint)? idempotencyKey, CancellationToken ct)
    {
        if (catalog.Find(modelId) is not { } model)
            return (null, false, new ApiError(BseCode.ModelNotFound, $"Model '{modelId}' is not in the catalog.").With("model_identifier", modelId));
        if (model.Type != route)
            return (null, false, new ApiError(BseCode.ModelTypeMismatch,
                $"{model.Id} is a {model.Type.Name()} model; use POST /v1/generate/{model.Type.Name()}/{model.Id}.").With("model_type", model.Type.Name()));
        var (request, invalid) = GenerationValidator.Validate(model, body);
        if (invalid is not null) return (null, false, invalid);
        var (order, orderError) = providerOrder.Resolve(model, request!.ProviderOrder);
        if (orderError is not null) return (null, false, orderError);
        if (Pricing.Total(model, request) is not { } cost)
            return (null, false, ApiError.Field("generation_resolution", $"{model.Id} has no price for this resolution and audio choice."));
        if (!queue.HasRoom)
            return (null, false, new ApiError(BseCode.ServiceOverloaded, "The generation queue is full. Retry shortly."));

        var now = time.GetUtcNow();
        var generation = new Generation
        {
            // The id carries the creation time (UUIDv7), so id order is time order for pages and retention alike.
            Id = Guid.CreateVersion7(now).ToString(),
            AccountId = account.Id,
            ModelIdentifier = model.Id,
            MediaType = model.Type,
            Status = GenerationStatus.Pending,
            ProviderOrder = order!,
            Request = request,
            Cost = cost,
            CreatedAt = now,
        };
        var data = JsonSerializer.Serialize(new CreateData(generation.ModelIdentifier, generation.ProviderOrder, null, generation.Id, true),
            AppJsonContext.Default.CreateData);
        var plan = plans.Get(account.Plan);
        var cap = model.Type == MediaType.Video ? plan.MaxInFlightVideos : plan.MaxInFlightImages;
        var claim = idempotencyKey is { } k ? new IdempotencyClaim(k.Key, k.Fingerprint, data) : null;
        switch (await store.CreateAsync(generation, cap, claim, ct))
        {
            case CreateOutcome.Replay replay:
                return await ReplayAsync(replay.ResponseJson, replay.GenerationId, ct);
            case CreateOutcome.IdempotencyKeyReused:
                return (null, false, KeyReused());
            case CreateOutcome.Created:
                // Already durable as pending: if the process dies before a worker takes it, start-up re-queues it.
                queue.Enqueue(generation.Id);
                metrics.Admitted(generation);
                return (data, false, null);
            case CreateOutcome.InsufficientCredits short_:
                return (null, false, new ApiError(BseCode.InsufficientCredits, "Insufficient credits. Please upgrade your plan or wait for renewal.")
                    .With("credit_balance", short_.Balance).With("required", short_.Required));
            case CreateOutcome.ConcurrencyLimited limited:
                return (null, false, new ApiError(BseCode.ConcurrencyLimitExceeded,
                        $"Your plan allows {limited.Limit} {model.Type.Name()} generations in flight; {limited.InFlight} are running. Retry when one finishes.")
                    .With("limit", limited.Limit).With("in_flight", limited.InFlight).With("media_type", model.Type.Name()));
            default:
                return (null, false, new ApiError(BseCode.AccountNotFound, "The account of this API key no longer exists."));
        }
    }
}
