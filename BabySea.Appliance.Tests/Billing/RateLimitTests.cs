using System.Net;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Billing;

public sealed class RateLimitTests
{
    [Fact]
    public async Task AccountLimit_HeadersOnEveryAnswer_ThenBse1005WithRetryAfter_SharedByAllKeys()
    {
        await using var app = await TestApp.StartOnPlanAsync("free"); // 60 requests a minute
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        var second = (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/keys", new System.Text.Json.Nodes.JsonObject()))
            .AssertOk().Data.GetProperty("api_key").GetString();
        var other = app.NewClient(second);
        var remaining = new List<int>();
        ApiResponse? last = null;
        for (var i = 0; i < 59; i++)
        {
            last = await TestApp.GetAsync(i % 2 == 0 ? app.Client : other, "/v1/library/providers");
            if (last.Status == HttpStatusCode.TooManyRequests) break;
            Assert.Equal("60", last.Header("X-RateLimit-Limit"));
            remaining.Add(int.Parse(last.Header("X-RateLimit-Remaining")!));
        }
        // Remaining counts down across both keys of the account (the first call was /v1/status above).
        Assert.Equal(Enumerable.Range(0, remaining.Count).Select(i => 58 - i), remaining);
        var refused = (await TestApp.GetAsync(other, "/v1/status")).AssertError(HttpStatusCode.TooManyRequests, "BSE1005");
        Assert.True(refused.Error.GetProperty("retryable").GetBoolean());
        Assert.Equal(60, refused.Error.GetProperty("details").GetProperty("limit").GetInt32());
        var retryAfter = refused.Error.GetProperty("details").GetProperty("retry_after_seconds").GetInt32();
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(retryAfter.ToString(), refused.Header("Retry-After"));
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
        var reset = long.Parse(refused.Header("X-RateLimit-Reset")!);
        Assert.InRange(reset - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 0, 61);
    }

    [Fact]
    public async Task RepeatedFailedAuthFromOneIp_IsBse1006_BeforeAnyKeyLookup()
    {
        await using var app = await TestApp.StartAsync(null, 0, "RateLimits:AuthFailuresPerMinute=5");
        var bad = app.NewClient("bye_wrongwrongwrongwrongwrongwrongwrongwrong00");
        for (var i = 0; i < 5; i++) (await TestApp.GetAsync(bad, "/v1/status")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
        var blocked = (await TestApp.GetAsync(bad, "/v1/status")).AssertError(HttpStatusCode.TooManyRequests, "BSE1006");
        Assert.NotNull(blocked.Header("Retry-After"));
        // Even the right key from that address waits: the block comes before any key is looked up.
        (await TestApp.GetAsync(app.Client, "/v1/status")).AssertError(HttpStatusCode.TooManyRequests, "BSE1006");
    }
}
