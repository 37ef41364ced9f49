namespace BabySea.Appliance.Providers;

/// <summary>
/// A provider's operator settings (<c>Providers:{Id}:ApiKey</c>, <c>Providers:{Id}:BaseUrl</c>, or the
/// provider's usual environment variable). Without a key the adapter talks to the built-in emulator.
/// </summary>
public sealed record ProviderSettings(string Id, string? ApiKey, string? BaseUrl, string DefaultBaseUrl)
{
    public bool Emulated => string.IsNullOrEmpty(ApiKey);

    public static ProviderSettings From(IConfiguration config, string id, string envVar, string defaultBaseUrl)
    {
        var section = config.GetSection($"Providers:{id}");
        var key = section["ApiKey"] is { Length: > 0 } k ? k : config[envVar];
        return new ProviderSettings(id, string.IsNullOrWhiteSpace(key) ? null : key.Trim(), section["BaseUrl"], defaultBaseUrl);
    }
}
