using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Emulator;

namespace BabySea.Appliance.Tests.Providers;

/// <summary>What the provider list says a provider can do is what its adapter does.</summary>
public sealed class ProviderModulesTests
{
    [Fact]
    public void EachModulesCapabilities_MatchItsAdapter_AndIdsAreUnique()
    {
        foreach (var module in ProviderModules.All)
        {
            var adapter = module.Adapter(new ProviderSettings(module.Id, "key", "https://provider.invalid", module.DefaultBaseUrl),
                new ProviderHttp(new HttpClient()), new EmulatorAddress());
            Assert.Equal(module.Id, adapter.Id);
            Assert.True(module.Can.Polls == adapter is IPollingAdapter, $"{module.Id}: polls");
            Assert.True(module.Can.Cancels == adapter is ICancelingAdapter, $"{module.Id}: cancels");
            Assert.NotEmpty(module.Can.MediaTypes);
        }
        Assert.Equal(ProviderModules.All.Count, ProviderModules.All.Select(m => m.Id).Distinct().Count());
    }
}
