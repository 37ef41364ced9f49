using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Providers.Replicate;

namespace BabySea.Appliance.Providers;

/// <summary>Every provider this build serves. A provider missing here answers BSE4011.</summary>
public static class ProviderModules
{
    public static readonly IReadOnlyList<ProviderModule> All =
    [
        new(ReplicateAdapter.ProviderId, "REPLICATE_API_TOKEN", "https://api.replicate.com/v1",
            (s, http, emulator) => new ReplicateAdapter(s, http, emulator), c => new ReplicateEmulator(c)),
    ];
}
