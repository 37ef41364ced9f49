using System.Text;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Tests.Webhooks;

public sealed class WebhookSignerTests
{
    [Fact]
    public void NewSecret_IsWhsecAndBase64Of32RandomBytes()
    {
        var a = WebhookSigner.NewSecret();
        Assert.StartsWith("whsec_", a);
        Assert.Equal(32, Convert.FromBase64String(a["whsec_".Length..]).Length);
        Assert.NotEqual(a, WebhookSigner.NewSecret());
    }

    [Fact]
    public void StandardSignature_MatchesTheStandardWebhooksTestVector()
        => Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSigner.StandardSignature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""u8));

    [Fact]
    public void BabySeaSignature_IsHexHmacOfTimestampDotBody_KeyedWithTheWholeSecretString()
    {
        var body = Encoding.UTF8.GetBytes("""{"webhook_event":"webhook.test","webhook_data":{"note":"été"}}""");
        var header = WebhookSigner.BabySeaSignature("whsec_secret", 1700000000, body);
        var received = new ReceivedWebhook(0, "/", body, new Dictionary<string, string> { ["X-BabySea-Signature"] = header }, 200);
        SignatureCheck.BabySea(received, "whsec_secret", DateTimeOffset.FromUnixTimeSeconds(1700000100));
        Assert.StartsWith("t=1700000000,v1=", header);
    }

    [Fact]
    public void BabySeaSignature_ChangesWithBodyTimestampAndSecret()
    {
        var body = "{}"u8.ToArray();
        var one = WebhookSigner.BabySeaSignature("whsec_a", 1, body);
        Assert.NotEqual(one, WebhookSigner.BabySeaSignature("whsec_a", 2, body));
        Assert.NotEqual(one, WebhookSigner.BabySeaSignature("whsec_b", 1, body));
        Assert.NotEqual(one, WebhookSigner.BabySeaSignature("whsec_a", 1, "{ }"u8));
    }
}
