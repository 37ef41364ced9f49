using System.Net;
using System.Text.Json;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>Each event's payload (reference §7.2), from real generations, delivered to a real receiver and verified.</summary>
public sealed class WebhookPayloadTests : IAsyncLifetime
{
    private static readonly string[] AllEvents =
        ["generation.started", "generation.completed", "generation.failed", "generation.canceled", "credits.low_balance"];

    private TestApp _app = null!;
    private WebhookReceiver _receiver = null!;
    private string _account = "";
    private string _secret = "";

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _app = await Hooks.StartAsync(null);
        _account = await Hooks.AccountIdAsync(_app);
        (_, _secret) = await Hooks.CreateAsync(_app, _account, _receiver.Url(), AllEvents);
    }

    public async Task DisposeAsync()
    {
        await Invariants.CheckAsync(_app);
        await OutboxInvariant.CheckAsync(_app);
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task<ReceivedWebhook> EventAsync(string type, string? generationId = null)
    {
        bool Match(ReceivedWebhook r) => r.Path == "/hook" && r.Event == type
            && (generationId is null || r.Data.GetProperty("generation_id").GetString() == generationId);
        var received = (await _receiver.WaitForAsync(all => all.Any(Match), $"{type} for {generationId}")).Single(Match);
        SignatureCheck.All(received, _secret, DateTimeOffset.UtcNow);
        Assert.Equal(4, received.Json.EnumerateObject().Count());
        Assert.Equal(_account, received.Data.GetProperty("account_id").GetString());
        Assert.All(received.Data.EnumerateObject(), p => Assert.NotEqual(JsonValueKind.Null, p.Value.ValueKind)); // omitted, never null
        return received;
    }

    [Fact]
    public async Task StartedAndCompleted_CarryTheGeneration_AndCompletedHasWorkingOutputLinks()
    {
        var id = await _app.CreateGenerationAsync("a harbour seal [[emulate latency:400]]");
        var started = (await EventAsync("generation.started", id)).Data;
        Assert.Equal("processing", started.GetProperty("generation_status").GetString());
        Assert.Equal("bfl/flux-schnell", started.GetProperty("model_identifier").GetString());
        Assert.Equal("replicate", started.GetProperty("generation_provider_initialize").GetString());

        var completed = (await EventAsync("generation.completed", id)).Data;
        Assert.Equal("succeeded", completed.GetProperty("generation_status").GetString());
        Assert.Equal("replicate", completed.GetProperty("generation_provider_used").GetString());
        Assert.False(string.IsNullOrEmpty(completed.GetProperty("generation_prediction_id").GetString()));
        var link = completed.GetProperty("generation_output_file")[0].GetString()!;
        Assert.StartsWith(_app.BaseUrl, link);
        using var file = await new HttpClient().GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.StartsWith("image/", file.Content.Headers.ContentType?.MediaType);
        Assert.True((await file.Content.ReadAsByteArrayAsync()).Length > 100);
        Assert.False(completed.TryGetProperty("generation_error", out _));
    }

    [Fact]
    public async Task Failed_CarriesTheErrorAndItsCode()
    {
        var id = await _app.CreateGenerationAsync("refused [[emulate moderation]]");
        var failed = (await EventAsync("generation.failed", id)).Data;
        Assert.Equal("failed", failed.GetProperty("generation_status").GetString());
        Assert.Equal("BSE4009", failed.GetProperty("generation_error_code").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("generation_error").GetString()));
        Assert.False(failed.TryGetProperty("generation_output_file", out _));
    }

    [Fact]
    public async Task Canceled_SaysCreditsWereRefunded()
    {
        var id = await _app.CreateGenerationAsync("forever [[emulate never_finish]]");
        await EventAsync("generation.started", id);
        await Eventually.TrueAsync(async () => (await TestApp.GetAsync(_app.Client, $"/v1/content/{id}")).Data
            .GetProperty("generation_prediction_id").ValueKind == JsonValueKind.String, "the provider accepted the job");
        (await TestApp.PostRawAsync(_app.Client, $"/v1/content/generation/cancel/{id}", "")).AssertOk();
        var canceled = (await EventAsync("generation.canceled", id)).Data;
        Assert.Equal("canceled", canceled.GetProperty("generation_status").GetString());
        Assert.True(canceled.GetProperty("credits_refunded").GetBoolean());
        Assert.False(string.IsNullOrEmpty(canceled.GetProperty("generation_prediction_id").GetString()));
    }

    [Fact]
    public async Task LowBalance_CarriesTheBalanceAndTheThresholdsCrossed()
    {
        await Hooks.StageLowBalanceAsync(_app, _account, 0.400m, 0.500m, 1.000m);
        var data = (await EventAsync("credits.low_balance")).Data;
        Assert.Equal(0.400m, data.GetProperty("current_balance").GetDecimal());
        var crossed = data.GetProperty("thresholds_crossed").EnumerateArray().ToArray();
        Assert.Equal([0.500m, 1.000m], crossed.Select(c => c.GetProperty("threshold").GetDecimal()));
        Assert.All(crossed, c => Assert.Equal(0.400m, c.GetProperty("balance_at").GetDecimal()));
    }

    [Fact]
    public async Task UnsubscribedEvents_AreNotSent()
    {
        var (other, _) = await Hooks.CreateAsync(_app, _account, _receiver.Url("/completed-only"), "generation.completed");
        var id = await _app.CreateGenerationAsync("a seal");
        await EventAsync("generation.completed", id);
        await _receiver.WaitForAsync(all => all.Any(r => r.Path == "/completed-only"), "the second endpoint's delivery");
        Assert.Equal(["generation.completed"], _receiver.At("/completed-only").Select(r => r.Event));
        Assert.Single(await Hooks.DeliveriesAsync(_app, _account, other));
    }

    [Fact]
    public async Task Usage_CountsWebhookOutcomes()
    {
        var (failing, _) = await Hooks.CreateAsync(_app, _account, _receiver.Url("/down"), "credits.low_balance");
        _receiver.Respond = r => r.Path == "/down" ? 503 : 200;
        await Hooks.StageLowBalanceAsync(_app, _account, 0.400m, 0.500m);
        await EventAsync("credits.low_balance");
        await Eventually.TrueAsync(async () => (await Hooks.DeliveriesAsync(_app, _account, failing)).Single().GetProperty("attempt_count").GetInt32() >= 1,
            "the failing endpoint's first attempt");
        await Eventually.TrueAsync(async () => (await TestApp.GetAsync(_app.Client, "/v1/usage")).Data.GetProperty("usage_webhooks")
            .GetProperty("delivered").GetInt32() == 1, "the delivered count");
        var usage = (await TestApp.GetAsync(_app.Client, "/v1/usage")).AssertOk().Data.GetProperty("usage_webhooks");
        Assert.Equal(1, usage.GetProperty("pending").GetInt32());
        Assert.Equal(0, usage.GetProperty("failed").GetInt32());
        Assert.Equal(0, usage.GetProperty("exhausted").GetInt32());
    }
}
