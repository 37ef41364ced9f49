using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>
/// Verifies both signature schemes the way receivers do, written independently of the appliance's signer: the
/// BabySea SDK's <c>verifyWebhook</c> (split on ',', parts starting <c>t=</c> and <c>v1=</c>, 300 s tolerance,
/// hex HMAC-SHA256 of "t.body" keyed with the whole secret string) and the Standard Webhooks libraries
/// (key = base64 after <c>whsec_</c>, base64 HMAC-SHA256 of "id.timestamp.body", space-separated "v1,sig" list).
/// </summary>
public static class SignatureCheck
{
    public static void BabySea(ReceivedWebhook r, string secret, DateTimeOffset now)
    {
        var parts = r.Header("X-BabySea-Signature").Split(',');
        var t = parts.Single(p => p.StartsWith("t=", StringComparison.Ordinal))[2..];
        var v1 = parts.Single(p => p.StartsWith("v1=", StringComparison.Ordinal))[3..];
        Assert.True(Math.Abs(now.ToUnixTimeSeconds() - long.Parse(t, CultureInfo.InvariantCulture)) <= 300, $"t={t} is outside the tolerance");
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var prefix = Encoding.ASCII.GetBytes(t + ".");
        hmac.TransformBlock(prefix, 0, prefix.Length, null, 0);
        hmac.TransformFinalBlock(r.Body, 0, r.Body.Length);
        var expected = string.Concat(hmac.Hash!.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        Assert.Equal(expected, v1);
        Assert.Equal(64, v1.Length);
    }

    public static void Standard(ReceivedWebhook r, string secret, DateTimeOffset now)
    {
        var id = r.Header("webhook-id");
        var timestamp = r.Header("webhook-timestamp");
        Assert.True(Math.Abs(now.ToUnixTimeSeconds() - long.Parse(timestamp, CultureInfo.InvariantCulture)) <= 300);
        Assert.StartsWith("whsec_", secret);
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var signed = hmac.ComputeHash([.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. r.Body]);
        Assert.Contains("v1," + Convert.ToBase64String(signed), r.Header("webhook-signature").Split(' '));
    }

    /// <summary>Both signatures, and the headers that must agree with the body (reference §7.2).</summary>
    public static void All(ReceivedWebhook r, string secret, DateTimeOffset now)
    {
        BabySea(r, secret, now);
        Standard(r, secret, now);
        Assert.StartsWith("application/json", r.Header("Content-Type"));
        Assert.Equal(r.Event, r.Header("X-BabySea-Event"));
        Assert.Equal(r.Json.GetProperty("webhook_timestamp").GetString(), r.Header("X-BabySea-Timestamp"));
        Assert.Equal(r.DeliveryId, r.Header("X-BabySea-Delivery-Id"));
        Assert.Equal(r.DeliveryId, r.Header("webhook-id"));
        Assert.True(Guid.TryParse(r.DeliveryId, out _), "webhook_delivery_id is a UUID");
        var t = r.Header("X-BabySea-Signature").Split(',')[0][2..];
        Assert.Equal(t, r.Header("webhook-timestamp"));
        Assert.Equal(long.Parse(t, CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(r.Header("X-BabySea-Timestamp"), CultureInfo.InvariantCulture).ToUnixTimeSeconds());
    }
}
