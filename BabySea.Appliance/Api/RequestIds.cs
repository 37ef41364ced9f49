using System.Security.Cryptography;

namespace BabySea.Appliance.Api;

/// <summary>
/// <c>req_</c> + a time-ordered id (48-bit milliseconds, 80 random bits, Crockford base32, monotonic like a ULID),
/// so request ids sort by time.
/// </summary>
public static class RequestIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const string ItemKey = "babysea.request_id";

    private static readonly Lock Gate = new();
    private static UInt128 _last;

    public static string New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        var value = (UInt128)(ulong)now.ToUnixTimeMilliseconds() << 80;
        for (var i = 0; i < random.Length; i++) value |= (UInt128)random[i] << (8 * i);
        lock (Gate)
        {
            // Within one millisecond (or if the clock steps back) the next id is the last one plus one, so ids stay ordered.
            if (value <= _last) value = _last + 1;
            _last = value;
        }
        return Encode(value);
    }

    /// <summary>The smallest id of <paramref name="t"/>'s millisecond: every id made before it sorts below.</summary>
    public static string Floor(DateTimeOffset t) => Encode((UInt128)(ulong)t.ToUnixTimeMilliseconds() << 80);

    private static string Encode(UInt128 value)
    {
        Span<char> chars = stackalloc char[26];
        for (var i = 25; i >= 0; i--) { chars[i] = Alphabet[(int)(value & 31)]; value >>= 5; }
        return "req_" + new string(chars);
    }

    public static void Assign(HttpContext http, string id)
    {
        http.Items[ItemKey] = id;
        http.Response.Headers["X-Request-Id"] = id;
    }

    public static string Get(HttpContext http) => http.Items[ItemKey] as string ?? "req_unknown";
}
