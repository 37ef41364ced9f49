namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// Where the built-in emulators answer: this appliance's own loopback address, known once Kestrel has bound
/// its port (port 0 in tests). Emulated adapters resolve their base URL through it on every call.
/// </summary>
public sealed class EmulatorAddress
{
    private string? _origin;

    public string Origin => _origin ?? throw new InvalidOperationException("The emulator address is not known before the server starts.");

    public void Set(string origin) => _origin = origin.TrimEnd('/');

    public string BaseUrl(string provider, string suffix = "") => $"{Origin}/emulator/{provider}{suffix}";
}
