using System.Text.Json;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Routing.Catalog;

/// <summary>One model of <c>config/models.json</c>, validated.</summary>
public sealed record CatalogModel(
    string Id,
    MediaType Type,
    string Name,
    ModelPricing Pricing,
    JsonElement PricingJson,
    ModelSchema Schema,
    IReadOnlyList<string> SpecificSchema,
    int MaxInputFiles,
    int MinInputFiles,
    bool InputFileLast,
    IReadOnlyDictionary<string, JsonElement> Defaults,
    IReadOnlyList<ProviderBinding> Providers)
{
    public ProviderBinding? Binding(string provider) => Providers.FirstOrDefault(p => p.Provider == provider);
}
