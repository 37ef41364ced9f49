using BabySea.Appliance.Providers.Emulator;

namespace BabySea.Appliance.Providers;

/// <summary>
/// A provider's operator settings (<c>Providers:{Id}:ApiKey</c> or the provider's usual environment variable,
/// <c>Providers:{Id}:BaseUrl</c>, <c>Providers:{Id}:AccountId</c> where the provider needs one, and
/// <c>Providers:{Id}:Enabled</c>). Without a key the adapter talks to the built-in emulator.
/// </summary>
public sealed record ProviderSettings(string Id, string? ApiKey, string? BaseUrl, string DefaultBaseUrl, string? AccountId = null, bool Enabled = true)
{
    public bool Emulated => string.IsNullOrEmpty(ApiKey);

    /// <summary>
    /// The origin an adapter talks to: the operator's <c>BaseUrl</c>, else the built-in emulator (at
    /// <paramref name="emulatorPath"/> under <c>/emulator/{id}</c>) without a key, else the provider's own API.
    /// </summary>
    public string BaseUrlFor(EmulatorAddress emulator, string emulatorPath = "")
        => (BaseUrl ?? (Emulated ? emulator.BaseUrl(Id, emulatorPath) : DefaultBaseUrl)).TrimEnd('/');

    public static ProviderSettings From(IConfiguration config, ProviderModule module)
    {
        var section = config.GetSection($"Providers:{module.Id}");
        var key = section["ApiKey"] is { Length: > 0 } k ? k : config[module.KeyEnvVar];
        var account = section["AccountId"] is { Length: > 0 } a ? a : module.AccountEnvVar is { } env ? config[env] : null;
        return new ProviderSettings(module.Id, string.IsNullOrWhiteSpace(key) ? null : key.Trim(),
            string.IsNullOrWhiteSpace(section["BaseUrl"]) ? null : section["BaseUrl"], module.DefaultBaseUrl, account,
            !string.Equals(section["Enabled"], "false", StringComparison.OrdinalIgnoreCase));
    }
}
