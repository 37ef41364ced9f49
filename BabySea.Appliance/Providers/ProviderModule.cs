using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers.Emulator;

namespace BabySea.Appliance.Providers;

/// <summary>
/// How one provider plugs into the appliance: its id, what it can do, where its key comes from, its real API origin,
/// and the factories of its adapter and its emulator.
/// </summary>
public sealed record ProviderModule(
    string Id,
    ProviderCapabilities Can,
    string KeyEnvVar,
    string DefaultBaseUrl,
    Func<ProviderSettings, ProviderHttp, EmulatorAddress, IProviderAdapter> Adapter,
    Func<EmulatorContext, IProviderEmulator> Emulator,
    string? AccountEnvVar = null);

/// <summary>
/// What a provider can do, read by the catalog (which media a model may route to it) and the provider library.
/// <paramref name="Polls"/> and <paramref name="Cancels"/> say whether its adapter follows and stops jobs.
/// </summary>
public sealed record ProviderCapabilities(IReadOnlyList<MediaType> MediaTypes, bool Polls, bool Cancels)
{
    public static readonly ProviderCapabilities ImageAndVideoJobs = new([MediaType.Image, MediaType.Video], Polls: true, Cancels: true);
}
