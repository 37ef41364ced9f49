using BabySea.Appliance.Providers;

namespace BabySea.Appliance.Routing;

/// <summary>The adapters this build has, by provider id. A provider without one is not built yet (BSE4011).</summary>
public sealed class ProviderRegistry(IEnumerable<IProviderAdapter> adapters)
{
    private readonly Dictionary<string, IProviderAdapter> _adapters = adapters.ToDictionary(a => a.Id, StringComparer.Ordinal);

    public IProviderAdapter? Find(string provider) => _adapters.GetValueOrDefault(provider);

    public bool Has(string provider) => _adapters.ContainsKey(provider);

    public IEnumerable<string> Ids => _adapters.Keys;
}
