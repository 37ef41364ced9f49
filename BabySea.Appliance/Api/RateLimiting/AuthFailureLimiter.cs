using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace BabySea.Appliance.Api.RateLimiting;

/// <summary>
/// Failed authentications (API keys and the admin token) per client: past <c>RateLimits:AuthFailuresPerMinute</c>
/// (default 20) in a clock minute, the client gets BSE1006 before any key is looked up, until that minute ends.
/// Guessing keys stays slow and cheap.
/// </summary>
/// <remarks>
/// Counts live in one table per minute; a new minute replaces the table, so expiry costs O(1) and never a scan.
/// The table holds at most <c>RateLimits:AuthFailureClients</c> clients (default 100,000); past that, the clients
/// it has no room for share one budget, so a flood of addresses can neither grow memory nor slip past the limit.
/// An IPv6 client is its /64 network: one host normally owns the whole /64 and could otherwise rotate addresses.
/// </remarks>
public sealed class AuthFailureLimiter(TimeProvider time, IConfiguration config)
{
    private const string Overflow = "*";

    private readonly int _limit = int.TryParse(config["RateLimits:AuthFailuresPerMinute"], out var l) && l > 0 ? l : 20;
    private readonly int _capacity = int.TryParse(config["RateLimits:AuthFailureClients"], out var c) && c > 0 ? c : 100_000;
    private MinuteTable _table = new(0);

    /// <summary>Entries in the current minute's table (the shared budget included).</summary>
    internal int TrackedClients => Volatile.Read(ref _table).Count;

    /// <summary>The BSE1006 answer when the client may not try now, or null when it may.</summary>
    public ApiError? Refusal(IPAddress? ip)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var table = Volatile.Read(ref _table);
        if (table.Minute != now / 60 || table.Failures(Key(ip), _capacity) < _limit) return null;
        var wait = (int)Math.Max(1, (table.Minute + 1) * 60 - now);
        var error = new ApiError(BseCode.AuthRateLimited, "Too many failed authentications from this address. Retry later.")
            .With("retry_after_seconds", wait);
        error.Headers["Retry-After"] = wait.ToString(CultureInfo.InvariantCulture);
        return error;
    }

    public void Failed(IPAddress? ip) => Current(time.GetUtcNow().ToUnixTimeSeconds() / 60).Add(Key(ip), _capacity);

    private MinuteTable Current(long minute)
    {
        while (true)
        {
            var table = Volatile.Read(ref _table);
            if (table.Minute >= minute) return table;
            // Losing this race only means another request installed this minute's table first: take that one.
            var fresh = new MinuteTable(minute);
            if (Interlocked.CompareExchange(ref _table, fresh, table) == table) return fresh;
        }
    }

    private static string Key(IPAddress? ip)
    {
        if (ip is null) return "";
        if (ip.IsIPv4MappedToIPv6) return ip.MapToIPv4().ToString();
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return ip.ToString();
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private sealed class MinuteTable(long minute)
    {
        private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
        private int _clients;

        public long Minute { get; } = minute;
        public int Count => _failures.Count;

        /// <summary>The client's failures; a client the full table has no room for reads the shared budget.</summary>
        public int Failures(string key, int capacity)
            => _failures.TryGetValue(key, out var n) ? n
                : Volatile.Read(ref _clients) >= capacity - 1 && _failures.TryGetValue(Overflow, out var shared) ? shared : 0;

        public void Add(string key, int capacity)
        {
            if (!_failures.ContainsKey(key) && !TryClaim(key, capacity)) key = Overflow;
            _failures.AddOrUpdate(key, 1, (_, n) => n + 1);
        }

        // One slot stays for the shared budget, so the table never holds more than the capacity.
        private bool TryClaim(string key, int capacity)
        {
            if (Interlocked.Increment(ref _clients) >= capacity)
            {
                Interlocked.Decrement(ref _clients);
                return false;
            }
            if (!_failures.TryAdd(key, 0)) Interlocked.Decrement(ref _clients); // another request claimed it first
            return true;
        }
    }
}
