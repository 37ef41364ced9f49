using System.Globalization;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api.Auth;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Api.V1;

/// <summary>The model and provider catalog, and cost estimates against it.</summary>
public static class LibraryApi
{
    public static void MapLibraryApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireScope(Scopes.LibraryRead);
        v1.MapGet("/library/models", Models).WithName("LibraryModels").Returns<LibraryModelsData>();
        v1.MapGet("/library/providers", Providers).WithName("LibraryProviders").Returns<LibraryProvidersData>();
        v1.MapGet("/estimate/{**model}", EstimateAsync).WithName("Estimate").Returns<EstimateData>();
    }

    internal static IResult Models(ModelCatalog catalog)
        => ApiResults.Ok(new LibraryModelsData(catalog.Models.Count, catalog.Models.Select(m => new LibraryModelData(
                m.Type.Name(), m.Id, m.Name, m.PricingJson, m.Providers.Select(p => p.Provider).ToArray(),
                new SchemaData(m.Schema.Prompt, m.Schema.Ratios, m.Schema.OutputFormats, m.Schema.MaxOutputs, m.Schema.InputFile,
                    m.Schema.Durations, m.Schema.Resolutions, m.Schema.GenerateAudio),
                m.SpecificSchema,
                new ModelLimitsData(m.MinInputFiles, m.MaxInputFiles, m.InputFileLast, 1, m.Schema.MaxOutputs, GenerationValidator.MaxPromptLength,
                    m.Type == MediaType.Video),
                m.Defaults)).ToArray()),
            AppJsonContext.Default.LibraryModelsData, "Models retrieved successfully");

    internal static IResult Providers(ProviderDirectory directory, ModelCatalog catalog, ProviderRegistry registry)
        => ApiResults.Ok(new LibraryProvidersData(directory.Providers.Count, directory.Providers.Select(p => new LibraryProviderData(
                p.Id, p.Name, p.Description, p.Website, p.Docs,
                registry.Find(p.Id) is { } adapter ? (adapter.Emulated ? "emulated" : "active") : "not_configured",
                new ImplementationData(p.DeliveryMethod, p.CancelMethod, p.WebhookVerification, "bse_error_codes", "per_generation_usd",
                    "unified_to_native", "sequential_provider_chain", "circuit_breaker", p.MediaTypes,
                    catalog.Models.Count(m => m.Binding(p.Id) is not null)),
                registry.Find(p.Id) is { Emulated: false }, p.ApiKeyEnv,
                catalog.Models.Where(m => m.Binding(p.Id) is not null).Select(m => m.Id).ToArray())).ToArray()),
            AppJsonContext.Default.LibraryProvidersData, "Providers retrieved successfully");

    private static async Task<IResult> EstimateAsync(HttpContext http, string model, ModelCatalog catalog, IAccountStore accounts, string? count, string? duration,
        string? resolution, string? audio, CancellationToken ct)
    {
        if (catalog.Find(model) is not { } m)
            return new ApiError(BseCode.ModelNotFound, $"Model '{model}' is not in the catalog.").With("model_identifier", model);
        // The hosted API clamps count into 1–100 rather than refusing it.
        var assets = int.TryParse(count, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c) ? Math.Clamp(c, 1, 100) : 1;
        if (count is { Length: > 0 } && !int.TryParse(count, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            return ApiError.Field("count", "count must be an integer.");

        double? seconds = null;
        string? tier = null;
        bool? withAudio = null;
        if (m.Type == MediaType.Video)
        {
            if (duration is { Length: > 0 })
            {
                if (!double.TryParse(duration, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !(d > 0 && d <= Pricing.MaxPricedSeconds))
                    return ApiError.Field("duration", $"duration must be a positive number of seconds, at most {Pricing.MaxPricedSeconds:0}.");
                seconds = d;
            }
            else seconds = m.Defaults.TryGetValue("generation_duration", out var dd) ? dd.GetDouble() : m.Schema.Durations![0];
            tier = resolution is { Length: > 0 } ? resolution
                : m.Defaults.TryGetValue("generation_resolution", out var dr) ? dr.GetString() : m.Schema.Resolutions?.FirstOrDefault();
            if (tier is not null && m.Schema.Resolutions is { } allowed && !allowed.Contains(tier))
                return ApiError.Field("resolution", $"resolution must be one of {string.Join(", ", allowed)}.").With("allowed", allowed.ToArray());
            if (audio is { Length: > 0 })
            {
                if (!bool.TryParse(audio, out var a)) return ApiError.Field("audio", "audio must be true or false.");
                withAudio = a;
            }
            else if (m.Schema.GenerateAudio is not null) withAudio = false;
        }
        if (Pricing.Rate(m, tier, withAudio) is not { } rate || Pricing.CostPerGeneration(m, seconds, tier, withAudio) is not { } each)
            return ApiError.Field("resolution", $"{m.Id} has no price for this resolution and audio choice.");
        var total = each * assets;
        var balance = (await Caller.From(http).CurrentAccountAsync(accounts, ct)).Balance;
        return ApiResults.Ok(new EstimateData(m.Id, m.Type.Name(), assets, each, total, balance, balance >= total,
                each > 0 ? (int)Math.Min(int.MaxValue, Math.Floor(balance / each)) : null,
                seconds, m.Type == MediaType.Video ? rate : null, tier),
            AppJsonContext.Default.EstimateData, "Estimate calculated successfully");
    }
}
