using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Collections.Concurrent;

namespace BabySea.Appliance.Outbound;

/// <summary>
/// The one rule for every connection the appliance makes to an address it did not choose itself: webhook targets,
/// provider calls and their poll URLs, output files a provider points at, input files a caller names (SSRF guard).
/// http(s) only, and never to a private, loopback, link-local, unique-local, multicast, unspecified or otherwise
/// internal address unless the host name or address is allowed (<c>Outbound:AllowedPrivateHosts</c> and
/// <c>Webhooks:AllowedPrivateHosts</c>, any port) or the exact endpoint is one the operator configured (a provider's
/// <c>BaseUrl</c>, the built-in emulators' loopback listener). Checked on every connection against the address
/// actually connected to (<see cref="ConnectAsync"/>), so a name that later resolves elsewhere (DNS rebinding) and a
/// redirect to an internal address get nowhere.
/// </summary>
public sealed class OutboundPolicy
{
    public const int MaxUrlLength = 2048;

    private readonly HashSet<string> _allowedHosts;
    private readonly HashSet<IPAddress> _allowedAddresses;
    private readonly ConcurrentDictionary<(string Host, int Port), bool> _allowedEndpoints = new();
    private readonly IHostResolver _resolver;

    public OutboundPolicy(IEnumerable<string> allowedPrivateHosts, IHostResolver resolver)
    {
        _resolver = resolver;
        _allowedHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        _allowedAddresses = [];
        foreach (var entry in allowedPrivateHosts.Select(h => h.Trim()).Where(h => h.Length > 0))
        {
            if (IPAddress.TryParse(Unbracket(entry), out var ip)) _allowedAddresses.Add(Normalize(ip));
            else _allowedHosts.Add(entry.TrimEnd('.'));
        }
    }

    /// <summary>Allows one exact endpoint the operator configured (a provider's base URL, the emulator listener), whatever its address.</summary>
    public void AllowEndpoint(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri)) _allowedEndpoints[(Unbracket(uri.Host).ToLowerInvariant(), uri.Port)] = true;
    }

    /// <summary>Checks a target URL at create time; returns why it is refused, or null when it may be used.</summary>
    public async Task<string?> CheckUrlAsync(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url)) return "url is required.";
        if (url.Length > MaxUrlLength) return $"url is at most {MaxUrlLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "url must be an absolute http:// or https:// URL.";
        var host = Unbracket(uri.Host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            try
            {
                addresses = await _resolver.ResolveAsync(host, ct);
            }
            catch (Exception ex) when (ex is SocketException or ArgumentException)
            {
                return $"url host '{host}' does not resolve from this machine.";
            }
            if (addresses.Length == 0) return $"url host '{host}' does not resolve from this machine.";
        }
        return addresses.FirstOrDefault(a => !IsAllowed(host, uri.Port, a)) is { } refused ? Refusal(host, refused) : null;
    }

    /// <summary>Whether connecting to <paramref name="address"/> for <paramref name="host"/> is allowed (any port).</summary>
    public bool IsAllowed(string host, IPAddress address)
        => !IsInternal(address) || _allowedHosts.Contains(Unbracket(host).TrimEnd('.')) || _allowedAddresses.Contains(Normalize(address));

    private bool IsAllowed(string host, int port, IPAddress address)
        => IsAllowed(host, address) || _allowedEndpoints.ContainsKey((host.ToLowerInvariant(), port));

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of every outbound client: resolves the host itself and
    /// connects only to allowed addresses, so the check applies to the address really used.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = Unbracket(context.DnsEndPoint.Host);
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolver.ResolveAsync(host, ct);
        var allowed = addresses.Where(a => IsAllowed(host, port, a)).ToArray();
        if (allowed.Length == 0)
            throw new OutboundRefusedException(addresses.Length == 0 ? $"'{host}' does not resolve." : Refusal(host, addresses[0]));
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    /// <summary>
    /// Private (10/8, 172.16/12, 192.168/16), shared (100.64/10), loopback, link-local, unspecified ("this network"
    /// 0/8), multicast, reserved and broadcast IPv4; unspecified, loopback, link-local, site-local, unique-local
    /// (fc00::/7) and multicast IPv6; and IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64 64:ff9b::/96,
    /// 6to4 2002::/16) when the embedded address is one of those.
    /// </summary>
    public static bool IsInternal(IPAddress address)
    {
        address = Normalize(address);
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsInternalV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)) return true;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast) return true;
        var b = address.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return IsInternalV4(b[12..]); // ::a.b.c.d (IPv4-compatible)
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsInternalV4(b[12..]); // NAT64 well-known prefix
        if (b[0] == 0x20 && b[1] == 0x02) return IsInternalV4(b[2..6]); // 6to4
        return false;
    }

    private static bool IsInternalV4(byte[] b) => b[0] switch
    {
        0 or 10 or 127 => true,
        100 => (b[1] & 0xC0) == 64,
        169 => b[1] == 254,
        172 => (b[1] & 0xF0) == 16,
        192 => b[1] == 168,
        >= 224 => true, // multicast 224/4, reserved 240/4, broadcast
        _ => false,
    };

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private static string Unbracket(string host) => host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;

    private static string Refusal(string host, IPAddress address)
        => $"url host '{host}' is {(address.ToString() == host ? "" : $"at {address}, ")}a private, loopback or link-local address; " +
           "list it in Outbound:AllowedPrivateHosts (or Webhooks:AllowedPrivateHosts) to allow it.";
}
