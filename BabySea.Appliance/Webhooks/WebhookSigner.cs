using System.Security.Cryptography;
using System.Text;

namespace BabySea.Appliance.Webhooks;

/// <summary>
/// Endpoint secrets and the two signatures every attempt carries, computed afresh for each attempt.
/// <list type="bullet">
/// <item>BabySea (reference §7.3): <c>X-BabySea-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;</c>, HMAC-SHA256 over
/// <c>"&lt;t&gt;.&lt;body&gt;"</c> keyed with the whole secret string (<c>whsec_</c> included) as UTF-8, as the SDK's
/// <c>verifyWebhook</c> computes it.</item>
/// <item>Standard Webhooks: <c>webhook-signature: v1,&lt;base64&gt;</c>, HMAC-SHA256 over
/// <c>"&lt;webhook-id&gt;.&lt;webhook-timestamp&gt;.&lt;body&gt;"</c> keyed with the base64-decoded part of the secret after
/// <c>whsec_</c>, as the standard's libraries derive it.</item>
/// </list>
/// </summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    /// <summary><c>whsec_</c> + base64 of 32 random bytes: a valid Standard Webhooks secret too.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string BabySeaSignature(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var t = unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Mac(Encoding.UTF8.GetBytes(secret), $"{t}.", body))}";
    }

    public static string StandardSignature(string secret, string deliveryId, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var t = unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"v1,{Convert.ToBase64String(Mac(key, $"{deliveryId}.{t}.", body))}";
    }

    private static byte[] Mac(byte[] key, string prefix, ReadOnlySpan<byte> body)
    {
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var message = new byte[prefixBytes.Length + body.Length];
        prefixBytes.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefixBytes.Length));
        return HMACSHA256.HashData(key, message);
    }
}
