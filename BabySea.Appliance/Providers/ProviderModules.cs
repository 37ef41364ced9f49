using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers.AlibabaCloud;
using BabySea.Appliance.Providers.Bfl;
using BabySea.Appliance.Providers.BytePlus;
using BabySea.Appliance.Providers.Cloudflare;
using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Providers.Fal;
using BabySea.Appliance.Providers.OpenAi;
using BabySea.Appliance.Providers.Replicate;
using BabySea.Appliance.Providers.Runway;

namespace BabySea.Appliance.Providers;

/// <summary>
/// Every provider this build serves, in one table so that wiring a provider in is one line. The catalog, the
/// provider library and the emulators' directives all read their provider ids and capabilities from here.
/// </summary>
public static class ProviderModules
{
    public static readonly IReadOnlyList<ProviderModule> All =
    [
        new(ReplicateAdapter.ProviderId, ProviderCapabilities.ImageAndVideoJobs, "REPLICATE_API_TOKEN", "https://api.replicate.com/v1",
            (s, http, emulator) => new ReplicateAdapter(s, http, emulator), c => new ReplicateEmulator(c)),
        new(RunwayAdapter.ProviderId, ProviderCapabilities.ImageAndVideoJobs, "RUNWAYML_API_SECRET", "https://api.dev.runwayml.com/v1",
            (s, http, emulator) => new RunwayAdapter(s, http, emulator), c => new RunwayEmulator(c)),
        new(AlibabaCloudAdapter.ProviderId, ProviderCapabilities.ImageAndVideoJobs, "DASHSCOPE_API_KEY", "https://dashscope-intl.aliyuncs.com/api/v1",
            (s, http, emulator) => new AlibabaCloudAdapter(s, http, emulator), c => new AlibabaCloudEmulator(c)),
        new(FalAdapter.ProviderId, ProviderCapabilities.ImageAndVideoJobs, "FAL_KEY", "https://queue.fal.run",
            (s, http, emulator) => new FalAdapter(s, http, emulator), c => new FalEmulator(c)),
        new(BflAdapter.ProviderId, new([MediaType.Image], Polls: true, Cancels: false), "BFL_API_KEY", "https://api.bfl.ai",
            (s, http, emulator) => new BflAdapter(s, http, emulator), c => new BflEmulator(c)),
        new(OpenAiAdapter.ProviderId, new([MediaType.Image], Polls: false, Cancels: false), "OPENAI_API_KEY", "https://api.openai.com/v1",
            (s, http, emulator) => new OpenAiAdapter(s, http, emulator), c => new OpenAiEmulator(c)),
        new(CloudflareAdapter.ProviderId, new([MediaType.Image], Polls: false, Cancels: false), "CLOUDFLARE_API_TOKEN", "https://api.cloudflare.com/client/v4",
            (s, http, emulator) => new CloudflareAdapter(s, http, emulator), c => new CloudflareEmulator(c), AccountEnvVar: "CLOUDFLARE_ACCOUNT_ID"),
        new(BytePlusAdapter.ProviderId, ProviderCapabilities.ImageAndVideoJobs, "ARK_API_KEY", "https://ark.ap-southeast.bytepluses.com/api/v3",
            (s, http, emulator) => new BytePlusAdapter(s, http, emulator), c => new BytePlusEmulator(c)),
    ];

    public static ProviderModule? Find(string id) => All.FirstOrDefault(m => m.Id == id);
}
