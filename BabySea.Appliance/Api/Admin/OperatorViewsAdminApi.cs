using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Api.V1;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Api.Admin;

/// <summary>
/// What the operator reads and does with the admin token that an account does with its key: an account's
/// generations (list, read, cancel, delete), and the provider health and catalog answers of <c>/v1</c>, which
/// describe the appliance rather than one account.
/// </summary>
public static class OperatorViewsAdminApi
{
    public static void MapOperatorViewsAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").RequireAdminToken();
        admin.MapGet("/health/inference/providers", HealthApi.Providers).Returns<ProvidersHealthData>();
        admin.MapGet("/health/inference/models", HealthApi.Models).Returns<ModelsHealthData>();
        admin.MapGet("/library/models", LibraryApi.Models).Returns<LibraryModelsData>();
        admin.MapGet("/library/providers", LibraryApi.Providers).Returns<LibraryProvidersData>();

        var generations = app.MapGroup("/admin/v1/accounts/{accountId}/generations").RequireAdminToken();
        generations.MapGet("", ListGenerationsAsync).Returns<GenerationListData>(paged: true);
        generations.MapGet("/{generationId}", GetGenerationAsync).Returns<GenerationData>();
        generations.MapPost("/{generationId}/cancel", CancelAsync).Returns<CancelData>().Fails(BseCode.GenerationNotCancelable);
        generations.MapDelete("/{generationId}", DeleteAsync).Returns<DeleteData>().Fails(BseCode.GenerationNotCancelable);
    }

    private static async Task<IResult> GetGenerationAsync(HttpContext http, string accountId, string generationId, IGenerationStore store, OutputUrls urls,
        CancellationToken ct)
        => await store.FindAsync(generationId, accountId, ct) is { } g
            ? ApiResults.Ok(GenerationView.From(http, g, urls), AppJsonContext.Default.GenerationData, "Generation retrieved successfully")
            : GenerationControl.NotFound(generationId);

    private static async Task<IResult> CancelAsync(string accountId, string generationId, GenerationControl service, CancellationToken ct)
    {
        var (data, error) = await service.CancelAsync(accountId, generationId, ct);
        return error ?? (IResult)ApiResults.Ok(data!, AppJsonContext.Default.CancelData, "Generation canceled");
    }

    private static async Task<IResult> DeleteAsync(string accountId, string generationId, GenerationControl service, CancellationToken ct)
    {
        var (data, error) = await service.DeleteAsync(accountId, generationId, ct);
        return error ?? (IResult)ApiResults.Ok(data!, AppJsonContext.Default.DeleteData, "Generation deleted");
    }

    private static async Task<IResult> ListGenerationsAsync(HttpContext http, string accountId, IAccountStore accounts, IGenerationStore store, OutputUrls urls,
        string? limit, string? offset, CancellationToken ct)
    {
        if (await accounts.FindAccountAsync(accountId, ct) is null) return new ApiError(BseCode.AccountNotFound, $"No account '{accountId}'.").With("account_id", accountId);
        if (!QueryInt.TryRead(limit, "limit", 50, 1, 100, out var take, out var error)) return error!;
        if (!QueryInt.TryRead(offset, "offset", 0, 0, int.MaxValue, out var skip, out error)) return error!;
        var (items, total) = await store.ListAsync(accountId, take, skip, ct);
        return ApiResults.Ok(new GenerationListData(items.Select(g => GenerationView.From(http, g, urls)).ToArray()),
            AppJsonContext.Default.GenerationListData, "Generations retrieved successfully", new Page(total, take, skip));
    }
}
