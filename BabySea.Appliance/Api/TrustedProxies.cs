using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace BabySea.Appliance.Api;

/// <summary>
/// <c>Appliance:TrustedProxies</c>: the addresses and CIDR networks of the reverse proxies in front of the appliance.
/// Only a request arriving from one of them may say, with <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, who the
/// client is and which scheme it used; per-IP limits, IP allowlists, logs and output links then see the real client.
/// Without the setting the headers are ignored: anyone could otherwise pick the address they are counted under.
/// </summary>
public static class TrustedProxies
{
    public static void UseTrustedProxies(this WebApplication app, IConfiguration config)
    {
        if (Parse(config) is { } options) app.UseForwardedHeaders(options);
    }

    /// <summary>The middleware's options, or null when no proxy is trusted. A malformed entry stops start-up naming it.</summary>
    private static ForwardedHeadersOptions? Parse(IConfiguration config)
    {
        var section = config.GetSection("Appliance:TrustedProxies");
        // Both a list (TrustedProxies:0=...) and one comma-separated value (TrustedProxies=a,b) are accepted.
        var entries = section.GetChildren().Select(c => c.Value).Append(section.Value)
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        if (entries.Length == 0) return null;

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Walk back through every trusted hop; the first address that is not a trusted proxy is the client.
            ForwardLimit = null,
        };
        // The defaults trust loopback; only what the operator listed is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network)) options.KnownIPNetworks.Add(network);
            else if (!entry.Contains('/') && IPAddress.TryParse(entry, out var address)) options.KnownProxies.Add(address);
            else throw new InvalidOperationException($"Appliance:TrustedProxies entry '{entry}' is neither an IP address nor a CIDR network (203.0.113.0/24).");
        }
        return options;
    }
}
