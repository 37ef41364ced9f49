using BabySea.Appliance.Providers.AlibabaCloud;
using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Providers.Replicate;
using BabySea.Appliance.Providers.Runway;

namespace BabySea.Appliance.Providers;

/// <summary>Every provider this build serves. A provider missing here answers BSE4011.</summary>
public static class ProviderModules
{
    public static readonly IReadOnlyList<ProviderModule> All =
    [
        new(ReplicateAdapter.ProviderId, "REPLICATE_API_TOKEN", "https://api.replicate.com/v1",
            (s, http, emulator) => new ReplicateAdapter(s, http, emulator), c => new ReplicateEmulator(c)),
        new(RunwayAdapter.ProviderId, "RUNWAYML_API_SECRET", "https://api.dev.runwayml.com/v1",
            (s, http, emulator) => new RunwayAdapter(s, http, emulator), c => new RunwayEmulator(c)),
        new(AlibabaCloudAdapter.ProviderId, "DASHSCOPE_API_KEY", "https://dashscope-intl.aliyuncs.com/api/v1",
            (s, http, emulator) => new AlibabaCloudAdapter(s, http, emulator), c => new AlibabaCloudEmulator(c)),
    ];
}
