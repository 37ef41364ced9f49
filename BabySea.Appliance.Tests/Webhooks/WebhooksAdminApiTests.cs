using System.Net;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Webhooks;

public sealed class WebhooksAdminApiTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private WebhookReceiver _receiver = null!;
    private string _account = "";

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _app = await Hooks.StartAsync(null);
        _account = await Hooks.AccountIdAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private string Path(string suffix = "") => $"/admin/v1/accounts/{_account}/webhooks{suffix}";

    [Fact]
    public async Task Create_DefaultsToTheFourGenerationEvents_AndShowsTheSecretOnlyOnce()
    {
        var created = (await TestApp.PostAsync(_app.Admin, Path(), new JsonObject { ["url"] = _receiver.Url() })).AssertOk().Data;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Matches("^whsec_[A-Za-z0-9+/]{43}=$", secret);
        var webhook = created.GetProperty("webhook");
        Assert.Equal(["generation.started", "generation.completed", "generation.failed", "generation.canceled"],
            webhook.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.True(webhook.GetProperty("enabled").GetBoolean());
        Assert.Equal(secret[..10] + "...", webhook.GetProperty("secret_hint").GetString());

        var id = webhook.GetProperty("webhook_id").GetString()!;
        var listed = (await TestApp.GetAsync(_app.Admin, Path())).AssertOk();
        Assert.Equal(id, listed.Data.GetProperty("webhooks")[0].GetProperty("webhook_id").GetString());
        Assert.DoesNotContain(secret, listed.Text);
        Assert.DoesNotContain(secret, (await TestApp.GetAsync(_app.Admin, Path($"/{id}"))).AssertOk().Text);
    }

    [Fact]
    public async Task EnableDisableRotateDelete_Work_AndRotateIssuesANewSecret()
    {
        var (id, secret) = await Hooks.CreateAsync(_app, _account, _receiver.Url(), "credits.low_balance");
        var disabled = await Hooks.PostAsync(_app, _account, id, "disable");
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Equal("Disabled by the operator.", disabled.GetProperty("disabled_reason").GetString());
        Assert.True((await Hooks.PostAsync(_app, _account, id, "enable")).GetProperty("enabled").GetBoolean());

        var rotated = await Hooks.PostAsync(_app, _account, id, "rotate");
        var fresh = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, fresh);
        Assert.StartsWith("whsec_", fresh);

        var deleted = (await TestApp.DeleteAsync(_app.Admin, Path($"/{id}"))).AssertOk().Data;
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        (await TestApp.GetAsync(_app.Admin, Path($"/{id}"))).AssertError(HttpStatusCode.NotFound, "BSE3004");
    }

    [Fact]
    public async Task Test_SendsWebhookTest_WithTheZeroGenerationId_SignedWithTheSecret()
    {
        var (id, secret) = await Hooks.CreateAsync(_app, _account, _receiver.Url());
        var queued = await Hooks.PostAsync(_app, _account, id, "test");
        Assert.Equal("webhook.test", queued.GetProperty("event").GetString());
        var received = (await _receiver.WaitForAsync(r => r.Count == 1, "the test event")).Single();
        Assert.Equal("webhook.test", received.Event);
        Assert.Equal(queued.GetProperty("delivery_id").GetString(), received.DeliveryId);
        Assert.Equal("00000000-0000-0000-0000-000000000000", received.Data.GetProperty("generation_id").GetString());
        Assert.Equal(_account, received.Data.GetProperty("account_id").GetString());
        SignatureCheck.All(received, secret, DateTimeOffset.UtcNow);

        await Eventually.TrueAsync(async () => (await Hooks.DeliveriesAsync(_app, _account, id)).Single().GetProperty("status").GetString() == "delivered",
            "the delivery is recorded as delivered");
        var attempt = (await Hooks.DeliveriesAsync(_app, _account, id)).Single().GetProperty("attempts").EnumerateArray().Single();
        Assert.Equal(1, attempt.GetProperty("attempt").GetInt32());
        Assert.Equal(200, attempt.GetProperty("status_code").GetInt32());
        Assert.True(attempt.GetProperty("latency_ms").GetDouble() >= 0);
    }

    [Theory]
    [InlineData("{\"events\":[\"generation.started\"]}", "url")]
    [InlineData("{\"url\":\"ftp://example.com/x\"}", "url")]
    [InlineData("{\"url\":\"URL\",\"events\":[\"generation.exploded\"]}", "events")]
    [InlineData("{\"url\":\"URL\",\"events\":[]}", "events")]
    [InlineData("{\"url\":\"URL\",\"events\":\"generation.started\"}", "events")]
    [InlineData("{\"url\":\"URL\",\"enabled\":\"yes\"}", "enabled")]
    public async Task Create_BadRequests_NameTheField(string body, string field)
        => (await TestApp.PostRawAsync(_app.Admin, Path(), body.Replace("URL", _receiver.Url()))).AssertError(HttpStatusCode.BadRequest, "BSE2001", field);

    [Fact]
    public async Task UnknownAccountOrEndpoint_AndMissingToken_AreRefused()
    {
        (await TestApp.GetAsync(_app.Admin, "/admin/v1/accounts/nobody/webhooks")).AssertError(HttpStatusCode.NotFound, "BSE1008");
        (await TestApp.PostRawAsync(_app.Admin, Path("/nothing/test"), "")).AssertError(HttpStatusCode.NotFound, "BSE3004");
        (await TestApp.GetAsync(_app.NewClient(null), Path())).AssertError(HttpStatusCode.Unauthorized, "BSE1001");
        (await TestApp.GetAsync(_app.NewClient(TestApp.ApiKey), Path())).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
    }

    [Fact]
    public async Task Create_PrivateTargetsNotListed_AreRefused()
    {
        await using var strict = await TestApp.StartAsync(null, 0, null, []);
        var account = await Hooks.AccountIdAsync(strict);
        foreach (var url in new[] { "http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://169.254.169.254/latest", "http://[::1]:9/x",
                     "http://[fd00::1]/x", "http://localhost:9/x" })
        {
            var r = await TestApp.PostAsync(strict.Admin, $"/admin/v1/accounts/{account}/webhooks", new JsonObject { ["url"] = url });
            r.AssertError(HttpStatusCode.BadRequest, "BSE2001", "url");
            Assert.Contains("Webhooks:AllowedPrivateHosts", r.ErrorCode == "BSE2001" ? r.Error.GetProperty("message").GetString() : "");
        }
        (await TestApp.GetAsync(strict.Admin, $"/admin/v1/accounts/{account}/webhooks")).AssertOk();
    }

    [Fact]
    public async Task Delivery_ToAHostNoLongerAllowed_IsRefusedAtConnect_AndLogged()
    {
        var dataDir = TestApp.NewDataDir();
        try
        {
            string account, id;
            await using (var allowed = await Hooks.StartAsync(null, dataDir))
            {
                account = await Hooks.AccountIdAsync(allowed);
                (id, _) = await Hooks.CreateAsync(allowed, account, _receiver.Url());
            }
            // Restarted without the allowance: the stored endpoint is checked again when it is called.
            await using var strict = await TestApp.StartAsync(dataDir, 0, null, []);
            await Hooks.PostAsync(strict, account, id, "test");
            await Eventually.TrueAsync(async () => (await Hooks.DeliveriesAsync(strict, account, id)).Single().GetProperty("attempt_count").GetInt32() == 1,
                "the first attempt");
            var delivery = (await Hooks.DeliveriesAsync(strict, account, id)).Single();
            Assert.Equal("pending", delivery.GetProperty("status").GetString());
            Assert.StartsWith("Refused:", delivery.GetProperty("last_error").GetString());
            Assert.Empty(_receiver.Received);
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }
}
