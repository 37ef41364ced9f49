using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// The origin that links leaving the appliance (output files in webhook deliveries) are written on:
/// <c>Appliance:PublicBaseUrl</c> when set, else the listening address as a receiver on another machine would reach
/// it (a wildcard bind becomes this machine's first non-loopback address). Known once the server has bound its port.
/// </summary>
public sealed class PublicOrigin(ApplianceSettings settings)
{
    private string? _origin = settings.PublicBaseUrl?.TrimEnd('/');

    /// <summary>The origin, or null in the first moments after start.</summary>
    public string? Origin => _origin;

    /// <summary>Called once the server listens; says in the log what the links will carry when no public URL is set.</summary>
    public void Listening(IEnumerable<string> addresses, ILogger log)
    {
        if (_origin is not null) return;
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault();
        if (address is null) return;
        var uri = new Uri(address.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"));
        var host = uri.Host.Trim('[', ']');
        if (host is "0.0.0.0" or "::") host = ReachableAddress()?.ToString() ?? Dns.GetHostName();
        _origin = $"{uri.Scheme}://{(host.Contains(':') ? $"[{host}]" : host)}:{uri.Port}";
        var loopback = IPAddress.TryParse(host, out var ip) ? IPAddress.IsLoopback(ip) : host == "localhost";
        log.LogWarning(loopback
            ? "Appliance:PublicBaseUrl is not set and the appliance listens on loopback only: output links in webhooks point at {Origin}, which receivers on other machines cannot reach. Set Appliance:PublicBaseUrl to the address clients use."
            : "Appliance:PublicBaseUrl is not set: output links in webhooks point at {Origin}. Set Appliance:PublicBaseUrl to the address clients use (a TLS proxy's, say).",
            _origin);
    }

    private static IPAddress? ReachableAddress()
        => NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .FirstOrDefault(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal);
}
