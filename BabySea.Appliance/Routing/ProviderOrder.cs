using BabySea.Appliance.Api;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Routing;

/// <summary>
/// Resolves <c>generation_provider_order</c>: <c>fastest</c> (the default), ranked from measurements, or an
/// explicit comma-separated list of distinct providers from the model's stack. Providers this build has no
/// adapter for are left out of <c>fastest</c>; naming one explicitly, or a model served only by such
/// providers, is BSE4011.
/// </summary>
public sealed class ProviderOrder(ProviderRegistry registry, FastestRanking ranking)
{
    public const string Fastest = "fastest";

    public (IReadOnlyList<string>? Order, ApiError? Error) Resolve(CatalogModel model, string? requested)
    {
        var stack = model.Providers.Select(p => p.Provider).ToArray();
        string[] order;
        if (string.IsNullOrWhiteSpace(requested) || requested.Trim() == Fastest)
        {
            var served = stack.Where(registry.Has).ToArray();
            if (served.Length == 0) return (null, NotBuilt(model, stack));
            return (ranking.Rank(model.Id, served), null);
        }
        order = requested.Split(',').Select(p => p.Trim()).ToArray();
        if (order.Any(p => !stack.Contains(p)) || order.Distinct().Count() != order.Length)
            return (null, new ApiError(BseCode.UnsupportedProviderOrder,
                    $"generation_provider_order '{requested}' is not valid for {model.Id}: use '{Fastest}' or distinct providers from: {string.Join(", ", stack)}.")
                .With("field", "generation_provider_order").With("allowed", stack));
        var missing = order.Where(p => !registry.Has(p)).ToArray();
        return missing.Length > 0 ? (null, NotBuilt(model, missing)) : (order, null);
    }

    private static ApiError NotBuilt(CatalogModel model, IReadOnlyList<string> providers)
        => new ApiError(BseCode.ProviderNotConfigured,
                $"{model.Id} needs {string.Join(", ", providers)}, which this appliance does not serve yet.")
            .With("providers", providers.ToArray());
}
