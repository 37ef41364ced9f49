using System.Diagnostics;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api.Auth;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Api.V1;

/// <summary>Provider, model, storage and cache health, from what this appliance measured.</summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/v1/health").RequireScope(Scopes.HealthRead);
        health.MapGet("/inference/providers", Providers).WithName("HealthProviders").Returns<ProvidersHealthData>();
        health.MapGet("/inference/models", Models).WithName("HealthModels").Returns<ModelsHealthData>();
        health.MapGet("/storage", StorageAsync).WithName("HealthStorage").Returns<ProbeData>();
        health.MapGet("/cache", Cache).WithName("HealthCache").Returns<ProbeData>();
    }

    internal static IResult Providers(ProviderDirectory directory, ProviderRegistry registry, RoutingStats stats, ProviderCircuits circuits)
    {
        var providers = directory.Providers.Select(p =>
        {
            var adapter = registry.Find(p.Id);
            var (ok, failed) = stats.Health(p.Id);
            var circuit = circuits.State(p.Id);
            var total = ok + failed;
            var rate = total == 0 ? 0 : Math.Round((double)failed / total, 4);
            var status = adapter is null ? "unknown"
                : circuit == "open" ? "degraded"
                : circuit == "half_open" ? "recovering"
                : total == 0 ? "unknown" : rate >= 0.5 ? "degraded" : rate >= 0.2 ? "recovering" : "healthy";
            return new ProviderHealthData(p.Id, status, rate, new HealthWindowData(total, failed, ok, (int)RoutingStats.HealthWindow.TotalSeconds),
                adapter is not null, adapter?.Emulated ?? false, circuit);
        }).ToArray();
        var healthy = providers.Where(p => p.Configured).All(p => p.Status is "healthy" or "unknown");
        return ApiResults.Ok(new ProvidersHealthData("providers", healthy, providers.Length, providers),
            AppJsonContext.Default.ProvidersHealthData, "Provider health retrieved successfully");
    }

    internal static IResult Models(ModelCatalog catalog, ProviderRegistry registry, RoutingStats stats, FastestRanking ranking)
    {
        var models = catalog.Models.Select(m =>
        {
            var served = m.Providers.Select(p => p.Provider).Where(registry.Has).ToArray();
            return new ModelHealthData(m.Id, m.Type.ToString().ToLowerInvariant(),
                m.PricingJson.ValueKind == System.Text.Json.JsonValueKind.Number ? m.PricingJson : null,
                m.Providers.ToDictionary(p => p.Provider, p =>
                {
                    var s = stats.ForModel(m.Id, p.Provider);
                    return new ModelProviderAvailability(registry.Has(p.Provider), p.Model, s.Samples, Math.Round(s.SuccessRate, 4),
                        Math.Round(s.WastedRate, 4), s.P95Seconds is { } p95 ? Math.Round(p95, 3) : null);
                }),
                served.Length == 0 ? [] : ranking.Rank(m.Id, served, explore: false));
        }).ToArray();
        return ApiResults.Ok(new ModelsHealthData("models", models.All(m => m.Providers.Values.Any(p => p.Available)), models.Length, models),
            AppJsonContext.Default.ModelsHealthData, "Model health retrieved successfully");
    }

    private static async Task<IResult> StorageAsync(IStorageProbe probe, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        string? error = null;
        try
        {
            await probe.CheckAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex.Message;
        }
        return ApiResults.Ok(new ProbeData("storage", error is null, watch.ElapsedMilliseconds, "local", error),
            AppJsonContext.Default.ProbeData, "Storage health retrieved successfully");
    }

    // The appliance keeps its caches in process, so the probe is always local and immediate.
    private static IResult Cache()
        => ApiResults.Ok(new ProbeData("cache", true, 0, null, null), AppJsonContext.Default.ProbeData, "Cache health retrieved successfully");
}
