using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Api;

public sealed class EnvelopeAndAuthTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Status_WithBootstrapKey_AnswersSuccessEnvelopeWithKeyIdentity()
    {
        var r = (await TestApp.GetAsync(_app.Client, "/v1/status")).AssertOk();
        Assert.Equal("API connected successfully", r.Body.GetProperty("message").GetString());
        Assert.Equal(TestApp.ApiKey[..9], r.Data.GetProperty("apikey_prefix").GetString());
        Assert.False(string.IsNullOrEmpty(r.Data.GetProperty("account_id").GetString()));
        Assert.DoesNotContain(TestApp.ApiKey, r.Text);
    }

    [Fact]
    public async Task RequestIds_AreUniqueAndTimeOrdered()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await TestApp.GetAsync(_app.Client, "/v1/status")).Body.GetProperty("request_id").GetString()!);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Theory]
    [InlineData("GET", "/v1/nothing-here")]
    [InlineData("POST", "/v1/generate/audio/x")]
    [InlineData("GET", "/nothing-here")]
    public async Task UnknownRoute_AnswersBse3004Json(string method, string path)
    {
        var r = await ApiResponse.ReadAsync(await _app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)));
        r.AssertError(HttpStatusCode.NotFound, "BSE3004");
    }

    [Fact]
    public async Task MissingKey_IsBse1001()
        => (await TestApp.GetAsync(_app.NewClient(null), "/v1/status")).AssertError(HttpStatusCode.Unauthorized, "BSE1001");

    [Theory]
    [InlineData("bye_doesnotexist00000000000000000000000000000")]
    [InlineData("not-a-babysea-key")]
    public async Task UnknownKey_IsBse1002(string key)
        => (await TestApp.GetAsync(_app.NewClient(key), "/v1/status")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");

    [Theory]
    [InlineData("monitor_only", "/v1/status", "account:read")]
    [InlineData("monitor_only", "/v1/content/list", "generation:read")]
    [InlineData("generate_only", "/v1/health/inference/providers", "health:read")]
    [InlineData("generate_only", "/v1/user/billing", "account:read")]
    [InlineData("read_only", "/v1/content/00000000-0000-0000-0000-000000000000", null)]
    public async Task Scopes_KeyWithoutRouteScope_IsBse1003(string preset, string path, string? scope)
    {
        var key = await CreateKeyAsync(new JsonObject { ["preset"] = preset });
        var r = await TestApp.GetAsync(_app.NewClient(key), path);
        if (scope is null)
        {
            r.AssertError(HttpStatusCode.NotFound, "BSE3001"); // read_only may read: an unknown id is simply not found
            return;
        }
        r.AssertError(HttpStatusCode.Forbidden, "BSE1003");
        Assert.Equal(scope, r.Error.GetProperty("details").GetProperty("required_scope").GetString());
    }

    [Fact]
    public async Task Scopes_GenerateOnlyKey_CannotCancelOrDelete()
    {
        var key = await CreateKeyAsync(new JsonObject { ["preset"] = "generate_only" });
        var client = _app.NewClient(key);
        (await TestApp.PostRawAsync(client, "/v1/content/generation/cancel/x", "")).AssertError(HttpStatusCode.Forbidden, "BSE1003");
        (await TestApp.DeleteAsync(client, "/v1/content/x")).AssertError(HttpStatusCode.Forbidden, "BSE1003");
    }

    [Fact]
    public async Task RevokedKey_IsBse1002()
    {
        var created = await CreateKeyResponseAsync(new JsonObject { ["preset"] = "full_access" });
        var key = created.GetProperty("api_key").GetString()!;
        (await TestApp.GetAsync(_app.NewClient(key), "/v1/status")).AssertOk();
        var id = created.GetProperty("key").GetProperty("apikey_id").GetString();
        (await TestApp.PostRawAsync(_app.Admin, $"/admin/v1/keys/{id}/revoke", "")).AssertOk();
        var r = (await TestApp.GetAsync(_app.NewClient(key), "/v1/status")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
        Assert.Contains("revoked", r.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ExpiredKey_IsBse1002()
    {
        var key = await CreateKeyAsync(new JsonObject { ["expires_at"] = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O") });
        (await TestApp.GetAsync(_app.NewClient(key), "/v1/status")).AssertOk();
        await Task.Delay(1200);
        var r = (await TestApp.GetAsync(_app.NewClient(key), "/v1/status")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
        Assert.Contains("expired", r.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task IpAllowlist_OtherAddress_IsBse1007_ListedAddress_Passes()
    {
        var blocked = await CreateKeyAsync(new JsonObject { ["ip_allowlist"] = new JsonArray("203.0.113.9") });
        (await TestApp.GetAsync(_app.NewClient(blocked), "/v1/status")).AssertError(HttpStatusCode.Forbidden, "BSE1007");
        var allowed = await CreateKeyAsync(new JsonObject { ["ip_allowlist"] = new JsonArray("203.0.113.9", "127.0.0.1") });
        (await TestApp.GetAsync(_app.NewClient(allowed), "/v1/status")).AssertOk();
    }

    [Fact]
    public async Task Account_And_Billing_ShowPlanAndWelcomeCredit()
    {
        var account = (await TestApp.GetAsync(_app.Client, "/v1/user/account")).AssertOk();
        Assert.Equal("Default", account.Data.GetProperty("account_name").GetString());
        var billing = (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).AssertOk();
        Assert.Equal("Enterprise Monthly", billing.Data.GetProperty("billing_plan").GetString());
        Assert.Equal(1.000m, billing.Data.GetProperty("billing_credit_balance").GetDecimal());
        Assert.Equal("USD", billing.Data.GetProperty("billing_currency").GetString());
        Assert.True(DateTimeOffset.Parse(billing.Data.GetProperty("billing_period_ends_at").GetString()!) > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Usage_CountsRequestsAndErrorCodesPerEndpoint()
    {
        await TestApp.GetAsync(_app.Client, "/v1/status");
        await TestApp.GetAsync(_app.Client, "/v1/content/00000000-0000-0000-0000-000000000000");
        var r = (await TestApp.GetAsync(_app.Client, "/v1/usage?days=7")).AssertOk();
        Assert.Equal(7, r.Data.GetProperty("usage_period_days").GetInt32());
        Assert.True(r.Data.GetProperty("usage_total_requests").GetInt32() >= 2);
        Assert.True(r.Data.GetProperty("usage_total_client_errors").GetInt32() >= 1);
        var content = r.Data.GetProperty("usage_endpoints").EnumerateArray().Single(e => e.GetProperty("endpoint").GetString() == "GET /v1/content/{generationId}");
        Assert.Equal(1, content.GetProperty("error_codes").GetProperty("BSE3001").GetInt32());
        (await TestApp.GetAsync(_app.Client, "/v1/usage?days=91")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "days");
    }

    [Fact]
    public async Task Health_StorageAndCache_ProbeReally()
    {
        var storage = (await TestApp.GetAsync(_app.Client, "/v1/health/storage")).AssertOk();
        Assert.True(storage.Data.GetProperty("healthy").GetBoolean());
        Assert.Equal("storage", storage.Data.GetProperty("service").GetString());
        var cache = (await TestApp.GetAsync(_app.Client, "/v1/health/cache")).AssertOk();
        Assert.True(cache.Data.GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public async Task PayloadOver100Kb_IsBse2010_AndNothingIsCreated()
    {
        var big = "{\"generation_prompt\":\"" + new string('a', 101 * 1024) + "\"}";
        (await TestApp.PostRawAsync(_app.Client, "/v1/generate/image/bfl/flux-schnell", big)).AssertError(HttpStatusCode.RequestEntityTooLarge, "BSE2010");
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var r = await ApiResponse.ReadAsync(await _app.Client.PostAsync("/v1/generate/image/bfl/flux-schnell", chunked));
        r.AssertError(HttpStatusCode.RequestEntityTooLarge, "BSE2010");
        var list = (await TestApp.GetAsync(_app.Client, "/v1/content/list")).AssertOk();
        Assert.Equal(0, list.Body.GetProperty("total").GetInt32());
    }

    private async Task<string> CreateKeyAsync(JsonObject body)
        => (await CreateKeyResponseAsync(body)).GetProperty("api_key").GetString()!;

    private async Task<System.Text.Json.JsonElement> CreateKeyResponseAsync(JsonObject body)
    {
        var accountId = (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        return (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{accountId}/keys", body)).AssertOk().Data;
    }
}
