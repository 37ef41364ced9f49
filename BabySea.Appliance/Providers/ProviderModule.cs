using BabySea.Appliance.Providers.Emulator;

namespace BabySea.Appliance.Providers;

/// <summary>
/// How one provider plugs into the appliance: its id, where its key comes from, its real API origin, and the
/// factories of its adapter and its emulator.
/// </summary>
public sealed record ProviderModule(
    string Id,
    string KeyEnvVar,
    string DefaultBaseUrl,
    Func<ProviderSettings, ProviderHttp, EmulatorAddress, IProviderAdapter> Adapter,
    Func<EmulatorContext, IProviderEmulator> Emulator,
    string? AccountEnvVar = null);
