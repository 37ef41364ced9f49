using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Tests.Billing;

/// <summary>Thresholds fire once when crossed, re-arm after a top-up, and report together.</summary>
public sealed class LowBalanceAlertTests : IAsyncLifetime
{
    // kling/v1.5-pro: 0.098 a second, 5 seconds = 0.490 a generation.
    private const string Video = "{\"generation_prompt\":\"x [[emulate never_finish]]\",\"generation_duration\":5}";
    private TestApp _app = null!;
    private string _account = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _account = (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        // A subscribed endpoint, so firing also stages a credits.low_balance delivery in the outbox.
        await _app.Service<IWebhookStore>().InsertEndpointAsync(new WebhookEndpoint("ep-test", _account, "http://127.0.0.1:9/never",
            ["credits.low_balance"], true, "whsec_test", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 0, null, null), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Invariants.CheckAsync(_app);
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task DefaultThreshold_FiresOnceWhenCrossed_NotAgain_ThenReArmsAfterTopUp()
    {
        var alerts = (await TestApp.GetAsync(_app.Admin, $"/admin/v1/accounts/{_account}/alerts")).AssertOk().Data;
        Assert.False(alerts.GetProperty("custom").GetBoolean());
        Assert.Equal([0.5m], alerts.GetProperty("thresholds").EnumerateArray().Select(t => t.GetDecimal()));

        await GenerateVideoAsync(); // 1.000 → 0.510: not below 0.5
        Assert.Empty(await LowBalanceActivityAsync());
        await GenerateVideoAsync(); // 0.510 → 0.020: crosses 0.5
        Assert.Single(await LowBalanceActivityAsync());
        var data = JsonNode.Parse(Assert.Single(await DeliveriesAsync()))!;
        Assert.Equal(0.02m, data["current_balance"]!.GetValue<decimal>());
        Assert.Equal(0.5m, data["thresholds_crossed"]![0]!["threshold"]!.GetValue<decimal>());

        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{_account}/credits", new JsonObject { ["amount"] = 0.1m })).AssertOk();
        Assert.Single(await LowBalanceActivityAsync()); // still below: no second alert

        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{_account}/credits", new JsonObject { ["amount"] = 1 })).AssertOk(); // 1.120: re-armed
        await GenerateVideoAsync(); // 0.630
        await GenerateVideoAsync(); // 0.140: crosses again
        Assert.Equal(2, (await LowBalanceActivityAsync()).Length);
        Assert.Equal(2, (await DeliveriesAsync()).Length);
    }

    [Fact]
    public async Task CustomThresholds_CrossedTogether_AreReportedTogether()
    {
        var set = (await TestApp.PutAsync(_app.Admin, $"/admin/v1/accounts/{_account}/alerts",
            new JsonObject { ["thresholds"] = new JsonArray(0.9m, 0.8m, 0.1m) })).AssertOk().Data;
        Assert.True(set.GetProperty("custom").GetBoolean());
        await GenerateVideoAsync(); // 1.000 → 0.510 crosses 0.9 and 0.8 at once
        var activity = Assert.Single(await LowBalanceActivityAsync());
        Assert.Contains("0.900, 0.800", activity);
        var data = JsonNode.Parse(Assert.Single(await DeliveriesAsync()))!;
        Assert.Equal([0.9m, 0.8m], data["thresholds_crossed"]!.AsArray().Select(t => t!["threshold"]!.GetValue<decimal>()));

        (await TestApp.PutAsync(_app.Admin, $"/admin/v1/accounts/{_account}/alerts", new JsonObject { ["thresholds"] = new JsonArray(-1) }))
            .AssertError(System.Net.HttpStatusCode.BadRequest, "BSE2001", "thresholds");
    }

    [Fact]
    public async Task DisabledAlerts_DoNotFire()
    {
        (await TestApp.PutAsync(_app.Admin, $"/admin/v1/accounts/{_account}/alerts", new JsonObject { ["enabled"] = false })).AssertOk();
        await GenerateVideoAsync();
        await GenerateVideoAsync();
        Assert.Empty(await LowBalanceActivityAsync());
    }

    private async Task GenerateVideoAsync()
        => (await TestApp.PostRawAsync(_app.Client, "/v1/generate/video/kling/v1.5-pro", Video)).AssertOk();

    private async Task<string[]> LowBalanceActivityAsync()
        => (await TestApp.GetAsync(_app.Admin, $"/admin/v1/accounts/{_account}/activity")).AssertOk().Data.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("action").GetString() == "low_balance").Select(e => e.GetProperty("description").GetString()!).ToArray();

    private Task<string[]> DeliveriesAsync() => DirectStores.DeliveryDataAsync(_app, "credits.low_balance");
}
