using System.Collections.Concurrent;
using System.Net;

namespace BabySea.Appliance.Api.RateLimiting;

/// <summary>
/// Failed authentications per client IP: past <c>RateLimits:AuthFailuresPerMinute</c> (default 20) in a minute,
/// the IP gets BSE1006 before any key is looked up, until that minute ends. Guessing keys stays slow and cheap.
/// </summary>
public sealed class AuthFailureLimiter(TimeProvider time, IConfiguration config)
{
    private readonly int _limit = int.TryParse(config["RateLimits:AuthFailuresPerMinute"], out var l) && l > 0 ? l : 20;
    private readonly ConcurrentDictionary<string, (long Minute, int Failures)> _failures = new(StringComparer.Ordinal);

    /// <summary>Seconds until the IP may try again, or null when it may try now.</summary>
    public int? Blocked(IPAddress? ip)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return _failures.TryGetValue(Key(ip), out var f) && f.Minute == now / 60 && f.Failures >= _limit
            ? (int)Math.Max(1, (f.Minute + 1) * 60 - now)
            : null;
    }

    public void Failed(IPAddress? ip)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        _failures.AddOrUpdate(Key(ip), _ => (minute, 1), (_, f) => f.Minute == minute ? (minute, f.Failures + 1) : (minute, 1));
        if (_failures.Count > 100_000) Prune(minute);
    }

    private void Prune(long minute)
    {
        foreach (var (ip, f) in _failures)
            if (f.Minute != minute) _failures.TryRemove(ip, out _);
    }

    private static string Key(IPAddress? ip) => ip is null ? "" : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
}
