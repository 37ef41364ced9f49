using System.Net;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Api;

/// <summary>
/// Behind a TLS proxy every request comes from the proxy's address. With <c>Appliance:TrustedProxies</c> the
/// appliance takes the client from <c>X-Forwarded-For</c>, from those proxies only.
/// </summary>
public sealed class TrustedProxyTests
{
    private const string BadKey = "bye_wrongwrongwrongwrongwrongwrongwrongwrong00000";

    private static async Task<ApiResponse> GetAsync(TestApp app, string? key, string? forwardedFor, string path = "/v1/status")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (forwardedFor is not null) request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        return await ApiResponse.ReadAsync(await client.SendAsync(request));
    }

    [Fact]
    public async Task TrustedProxy_FailuresCountAgainstTheForwardedClient_NotEveryoneBehindTheProxy()
    {
        await using var app = await TestApp.StartAsync(null, 0, "RateLimits:AuthFailuresPerMinute=5", "Appliance:TrustedProxies=127.0.0.1");
        for (var i = 0; i < 5; i++) (await GetAsync(app, BadKey, "203.0.113.5")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");

        (await GetAsync(app, TestApp.ApiKey, "203.0.113.5")).AssertError(HttpStatusCode.TooManyRequests, "BSE1006");
        (await GetAsync(app, TestApp.ApiKey, "198.51.100.7")).AssertOk();
        (await GetAsync(app, TestApp.ApiKey, null)).AssertOk(); // the proxy itself is another client
        // A chain: the client is the first address, from the right, that is not a trusted proxy.
        (await GetAsync(app, TestApp.ApiKey, "203.0.113.5, 127.0.0.1")).AssertError(HttpStatusCode.TooManyRequests, "BSE1006");
    }

    [Fact]
    public async Task UntrustedPeer_ForwardedHeadersAreIgnored_SoNobodyPicksTheAddressTheyAreCountedUnder()
    {
        await using var app = await TestApp.StartAsync(null, 0, "RateLimits:AuthFailuresPerMinute=5", "Appliance:TrustedProxies:0=10.0.0.0/8");
        for (var i = 0; i < 5; i++) (await GetAsync(app, BadKey, $"203.0.113.{i + 1}")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
        (await GetAsync(app, TestApp.ApiKey, "198.51.100.7")).AssertError(HttpStatusCode.TooManyRequests, "BSE1006");
    }

    [Fact]
    public async Task TrustedNetwork_IpAllowlistSeesTheForwardedClient()
    {
        await using var app = await TestApp.StartAsync(null, 0, "Appliance:TrustedProxies=192.0.2.1, 127.0.0.0/8");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).AssertOk().Data.GetProperty("account_id").GetString();
        var key = (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/keys",
                new JsonObject { ["ip_allowlist"] = new JsonArray("198.51.100.7") }))
            .AssertOk().Data.GetProperty("api_key").GetString()!;

        (await GetAsync(app, key, "198.51.100.7")).AssertOk();
        (await GetAsync(app, key, "198.51.100.8")).AssertError(HttpStatusCode.Forbidden, "BSE1007");
        (await GetAsync(app, key, null)).AssertError(HttpStatusCode.Forbidden, "BSE1007");
    }

    [Fact]
    public async Task TrustedProxy_ForwardedProto_IsTheSchemeOfOutputLinks()
    {
        await using var app = await TestApp.StartAsync(null, 0, "Appliance:TrustedProxies=127.0.0.1");
        var id = await app.CreateGenerationAsync("a seal");
        await app.WaitForTerminalAsync(id);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/content/{id}");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        var r = (await ApiResponse.ReadAsync(await app.Client.SendAsync(request))).AssertOk();
        Assert.StartsWith("https://", r.Data.GetProperty("generation_output_file")[0].GetString());
    }

    [Fact]
    public async Task MalformedTrustedProxiesEntry_StopsStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(null, 0, "Appliance:TrustedProxies=proxy.internal"));
        Assert.Contains("proxy.internal", error.Message);
    }
}
