using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Api;

/// <summary>
/// Output URLs point at the appliance and carry an HMAC over path and expiry, so <c>&lt;img src&gt;</c> works
/// without headers while only the owner, who reads the record, learns them. They are signed afresh on every read.
/// </summary>
public sealed class OutputUrls(byte[] key, TimeSpan lifetime, string? publicBaseUrl, TimeProvider time)
{
    public string For(HttpContext http, Generation g, Artifact a) => For(Origin(http), g, a);

    /// <summary>A link on <paramref name="origin"/>, for use outside a request (webhook deliveries).</summary>
    public string For(string origin, Generation g, Artifact a)
    {
        var path = Path(g.Id, a);
        var expires = time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        return $"{origin.TrimEnd('/')}{path}?expires={expires}&signature={Sign(path, expires)}";
    }

    public bool Verify(string path, string? expires, string? signature)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var e) || signature is null) return false;
        // Compared as numbers: any long is a valid expiry to compare, while a date would throw past year 9999.
        if (e < time.GetUtcNow().ToUnixTimeSeconds()) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Sign(path, e)), Encoding.UTF8.GetBytes(signature));
    }

    public static string Path(string generationId, Artifact a) => $"/files/{generationId}/{a.Index}.{a.Extension}";

    private string Origin(HttpContext http) => publicBaseUrl?.TrimEnd('/') ?? $"{http.Request.Scheme}://{http.Request.Host}";

    private string Sign(string path, long expires)
        => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{path}\n{expires}")));
}
