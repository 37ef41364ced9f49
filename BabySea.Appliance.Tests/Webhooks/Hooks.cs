using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;
using BabySea.Appliance.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>What webhook tests do all the time: start the appliance (optionally on a fake clock), manage endpoints.</summary>
public static class Hooks
{
    /// <summary>A fake clock's start, on a minute boundary so the retrier's minutes line up with the test's steps.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public const string AllowLoopback = "Webhooks:AllowedPrivateHosts:0=127.0.0.1";

    public static FakeTimeProvider NewClock() => new(T0);

    public static Task<TestApp> StartAsync(FakeTimeProvider? clock, string? dataDir = null, params string[] settings)
        => TestApp.StartAsync(dataDir, 0, clock is null ? null : s => s.AddSingleton<TimeProvider>(clock), [AllowLoopback, .. settings]);

    public static async Task<string> AccountIdAsync(TestApp app)
        => (await TestApp.GetAsync(app.Client, "/v1/status")).AssertOk().Data.GetProperty("account_id").GetString()!;

    public static async Task<(string Id, string Secret)> CreateAsync(TestApp app, string account, string url, params string[] events)
    {
        var body = new JsonObject { ["url"] = url };
        if (events.Length > 0) body["events"] = new JsonArray([.. events.Select(e => (JsonNode)e)]);
        var created = (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/webhooks", body)).AssertOk().Data;
        return (created.GetProperty("webhook").GetProperty("webhook_id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement> PostAsync(TestApp app, string account, string webhook, string action)
        => (await TestApp.PostRawAsync(app.Admin, $"/admin/v1/accounts/{account}/webhooks/{webhook}/{action}", "")).AssertOk().Data;

    public static async Task<JsonElement> EndpointAsync(TestApp app, string account, string webhook)
        => (await TestApp.GetAsync(app.Admin, $"/admin/v1/accounts/{account}/webhooks/{webhook}")).AssertOk().Data;

    /// <summary>The endpoint's deliveries, oldest first, each with its attempts.</summary>
    public static async Task<JsonElement[]> DeliveriesAsync(TestApp app, string account, string webhook)
    {
        var r = await TestApp.GetAsync(app.Admin, $"/admin/v1/accounts/{account}/webhooks/{webhook}/deliveries?limit=100");
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        var deliveries = r.Data.GetProperty("deliveries").EnumerateArray().Reverse().ToArray();
        if (deliveries.Length < 100) Assert.Equal(deliveries.Length, r.Body.GetProperty("total").GetInt32()); // kept with every delivery, not counted
        return deliveries;
    }

    public static async Task<JsonElement> DeliveryAsync(TestApp app, string account, string webhook, string delivery)
        => (await TestApp.GetAsync(app.Admin, $"/admin/v1/accounts/{account}/webhooks/{webhook}/deliveries/{delivery}")).AssertOk().Data;

    /// <summary>Stages <c>credits.low_balance</c> through the outbox, in a writer transaction, as the money code does.</summary>
    public static async Task StageLowBalanceAsync(TestApp app, string account, decimal balance, params decimal[] thresholds)
    {
        var e = WebhookEvents.LowBalanceCrossed(account, balance, thresholds);
        var now = app.Service<TimeProvider>().GetUtcNow();
        await DirectStores.StageAsync(app, e, now);
        app.Service<OutboxSignal>().Notify();
    }

    public static DateTimeOffset Time(JsonElement e, string property)
        => DateTimeOffset.Parse(e.GetProperty(property).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
}
