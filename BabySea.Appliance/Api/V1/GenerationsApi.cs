using BabySea.Appliance.Accounts;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api.Auth;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Api.V1;

/// <summary>Create, read, list, cancel and delete generations, and serve their signed output files.</summary>
public static class GenerationsApi
{
    public static void MapGenerationsApi(this IEndpointRouteBuilder app)
    {
        var generate = app.MapGroup("/v1/generate").RequireScope(Scopes.GenerationWrite);
        generate.MapPost("/image/{**model}", (HttpContext http, string model, GenerationIntake service, CancellationToken ct)
            => CreateAsync(http, MediaType.Image, model, service, ct)).WithName("CreateImageGeneration").TakesGenerationRequest().Returns<CreateData>().Fails(CreateErrors);
        generate.MapPost("/video/{**model}", (HttpContext http, string model, GenerationIntake service, CancellationToken ct)
            => CreateAsync(http, MediaType.Video, model, service, ct)).WithName("CreateVideoGeneration").TakesGenerationRequest().Returns<CreateData>().Fails(CreateErrors);

        var content = app.MapGroup("/v1/content");
        content.MapGet("/list", ListAsync).RequireScope(Scopes.GenerationRead).WithName("ListGenerations").Returns<GenerationListData>(paged: true);
        content.MapGet("/{generationId}", GetAsync).RequireScope(Scopes.GenerationRead).WithName("GetGeneration").Returns<GenerationData>();
        content.MapDelete("/{generationId}", DeleteAsync).RequireScope(Scopes.GenerationDelete).WithName("DeleteGeneration").Returns<DeleteData>().Fails(BseCode.GenerationNotCancelable);
        content.MapPost("/generation/cancel/{generationId}", CancelAsync).RequireScope(Scopes.GenerationDelete).WithName("CancelGeneration").Returns<CancelData>().Fails(BseCode.GenerationNotCancelable);

        app.MapGet("/files/{generationId}/{file}", ServeFileAsync).WithName("OutputFile");
    }

    // Admission's refusals and the request checks against the model's schema.
    private static readonly BseCode[] CreateErrors =
    [
        BseCode.InsufficientCredits, BseCode.ConcurrencyLimitExceeded, BseCode.ParameterOutOfRange, BseCode.UnsupportedProviderOrder,
        BseCode.ModelTypeMismatch, BseCode.InvalidIdempotencyKey, BseCode.IdempotencyKeyReused, BseCode.ProviderNotConfigured,
        BseCode.AccountNotFound, BseCode.ServiceOverloaded,
    ];

    private static async Task<IResult> CreateAsync(HttpContext http, MediaType route, string model, GenerationIntake service, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var (body, bodyError) = await JsonBody.ReadAsync(http);
        if (bodyError is not null) return bodyError;
        using (body)
        {
            var key = http.Request.Headers.TryGetValue(IdempotencyKeys.Header, out var k) ? k.ToString() : null;
            var (data, replayed, error) = await service.CreateAsync(caller.Account, route, model, body!.RootElement, key, ct);
            if (error is not null) return error;
            var answer = ApiResults.OkRaw(data!, "Generation initialized");
            if (replayed)
            {
                answer.Headers[IdempotencyKeys.ReplayedHeader] = "true";
                RequestLogMarks.Replay(http);
            }
            return answer;
        }
    }

    private static async Task<IResult> GetAsync(HttpContext http, string generationId, IGenerationStore store, OutputUrls urls, CancellationToken ct)
        => await store.FindAsync(generationId, Caller.From(http).Account.Id, ct) is { } g
            ? ApiResults.Ok(GenerationView.From(http, g, urls), AppJsonContext.Default.GenerationData, "Generation retrieved successfully")
            : GenerationControl.NotFound(generationId);

    private static async Task<IResult> ListAsync(HttpContext http, IGenerationStore store, OutputUrls urls, string? limit, string? offset, CancellationToken ct)
    {
        if (!QueryInt.TryRead(limit, "limit", 50, 1, 100, out var take, out var error)) return error!;
        if (!QueryInt.TryRead(offset, "offset", 0, 0, int.MaxValue, out var skip, out error)) return error!;
        var (items, total) = await store.ListAsync(Caller.From(http).Account.Id, take, skip, ct);
        return ApiResults.Ok(new GenerationListData(items.Select(g => GenerationView.From(http, g, urls)).ToArray()),
            AppJsonContext.Default.GenerationListData, "Generations retrieved successfully", new Page(total, take, skip));
    }

    private static async Task<IResult> CancelAsync(HttpContext http, string generationId, GenerationControl service, CancellationToken ct)
    {
        var (data, error) = await service.CancelAsync(Caller.From(http).Account.Id, generationId, ct);
        return error ?? (IResult)ApiResults.Ok(data!, AppJsonContext.Default.CancelData, "Generation canceled");
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string generationId, GenerationControl service, CancellationToken ct)
    {
        var (data, error) = await service.DeleteAsync(Caller.From(http).Account.Id, generationId, ct);
        return error ?? (IResult)ApiResults.Ok(data!, AppJsonContext.Default.DeleteData, "Generation deleted");
    }

    private static async Task<IResult> ServeFileAsync(HttpContext http, string generationId, string file, IGenerationStore store, ArtifactStore artifacts,
        OutputUrls urls, string? expires, string? signature, CancellationToken ct)
    {
        if (!urls.Verify(http.Request.Path.Value ?? "", expires, signature))
            return new ApiError(BseCode.AuthenticationFailed, "This file link is invalid or has expired; read the generation again for a fresh one.");
        if (await store.FindAsync(generationId, null, ct) is not { } g) return GenerationControl.NotFound(generationId);
        if (g.Removed) return new ApiError(BseCode.ContentRemoved, "The outputs of this generation were removed.");
        var artifact = g.Outputs.FirstOrDefault(a => OutputUrls.Path(g.Id, a) == http.Request.Path.Value);
        if (artifact is null || artifacts.Find(artifact) is not { } info)
            return new ApiError(BseCode.ContentRemoved, "This output file is no longer stored.");
        if (!AnyRangeFits(http, info.Length)) http.Request.Headers.Remove("Range");
        http.Response.Headers.CacheControl = "private, max-age=300";
        http.Response.Headers.ETag = $"\"{artifact.Sha256}\"";
        return Results.File(info.FullName, artifact.ContentType, enableRangeProcessing: true);
    }

    /// <summary>
    /// Whether some byte of the file is in a requested range (or no valid range was asked for). A range beyond the end
    /// would be a bare 416; HTTP lets a server ignore Range, so the whole file is served instead.
    /// </summary>
    private static bool AnyRangeFits(HttpContext http, long length)
        => http.Request.GetTypedHeaders().Range is not { } range || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)
           || range.Ranges.Any(r => r.From is { } from ? from < length : r.To > 0);
}
