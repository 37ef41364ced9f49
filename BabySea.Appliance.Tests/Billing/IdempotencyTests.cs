using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace BabySea.Appliance.Tests.Billing;

public sealed class IdempotencyTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync()
    {
        await Invariants.CheckAsync(_app);
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task SameKeySameBody_ReplaysTheOriginal_WithoutANewGenerationOrCharge()
    {
        var first = (await PostAsync("k-1", "{\"generation_prompt\":\"seal\",\"generation_ratio\":\"16:9\"}")).AssertOk();
        Assert.Null(first.Header("Idempotency-Replayed"));
        // Same JSON, other key order and spacing: the same body.
        var again = (await PostAsync("k-1", "{ \"generation_ratio\": \"16:9\", \"generation_prompt\": \"seal\" }")).AssertOk();
        Assert.Equal("true", again.Header("Idempotency-Replayed"));
        Assert.Equal(first.Data.ToString(), again.Data.ToString());
        Assert.Equal(1, (await TestApp.GetAsync(_app.Client, "/v1/content/list")).Body.GetProperty("total").GetInt32());
        Assert.Equal(0.997m, (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
    }

    [Fact]
    public async Task SameKeyOtherBody_Is409Bse2015()
    {
        (await PostAsync("k-2", "{\"generation_prompt\":\"seal\"}")).AssertOk();
        (await PostAsync("k-2", "{\"generation_prompt\":\"walrus\"}")).AssertError(HttpStatusCode.Conflict, "BSE2015");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("star*key")]
    public async Task MalformedKey_IsBse2014(string key)
        => (await PostAsync(key, "{\"generation_prompt\":\"seal\"}")).AssertError(HttpStatusCode.BadRequest, "BSE2014");

    [Fact]
    public async Task KeyOf256Characters_IsBse2014_And255IsFine()
    {
        (await PostAsync(new string('a', 256), "{\"generation_prompt\":\"seal\"}")).AssertError(HttpStatusCode.BadRequest, "BSE2014");
        (await PostAsync(new string('a', 255), "{\"generation_prompt\":\"seal\"}")).AssertOk();
    }

    [Fact]
    public async Task Keys_AreScopedPerAccount()
    {
        (await PostAsync("shared-key", "{\"generation_prompt\":\"seal\"}")).AssertOk();
        var account = (await TestApp.PostAsync(_app.Admin, "/admin/v1/accounts", new JsonObject { ["name"] = "B", ["plan"] = "pro" })).AssertOk();
        var key = (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account.Data.GetProperty("account_id").GetString()}/keys", new JsonObject()))
            .AssertOk().Data.GetProperty("api_key").GetString();
        var other = await PostAsync("shared-key", "{\"generation_prompt\":\"seal\"}", _app.NewClient(key));
        other.AssertOk();
        Assert.Null(other.Header("Idempotency-Replayed"));
    }

    [Fact]
    public async Task Errors_AreNotStored_SoARetryAfterTopUpSucceeds()
    {
        var body = "{\"generation_prompt\":\"waves\",\"generation_duration\":5}";
        (await PostAsync("video-1", body, route: "video/google/veo-2")).AssertError(HttpStatusCode.PaymentRequired, "BSE1004");
        var account = (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 5 })).AssertOk();
        var created = (await PostAsync("video-1", body, route: "video/google/veo-2")).AssertOk();
        Assert.Null(created.Header("Idempotency-Replayed"));
    }

    [Fact]
    public async Task ReplayAfterCancel_AnswersIdAndCanceledStatus()
    {
        var created = (await PostAsync("k-cancel", "{\"generation_prompt\":\"x [[emulate never_finish]]\"}")).AssertOk();
        var id = created.Data.GetProperty("generation_id").GetString();
        (await TestApp.PostRawAsync(_app.Client, $"/v1/content/generation/cancel/{id}", "")).AssertOk();
        var replay = (await PostAsync("k-cancel", "{\"generation_prompt\":\"x [[emulate never_finish]]\"}")).AssertOk();
        Assert.Equal("true", replay.Header("Idempotency-Replayed"));
        Assert.Equal(id, replay.Data.GetProperty("generation_id").GetString());
        Assert.Equal("canceled", replay.Data.GetProperty("generation_status").GetString());
    }

    [Fact]
    public async Task RequestLog_MarksReplays()
    {
        (await PostAsync("k-log", "{\"generation_prompt\":\"seal\"}")).AssertOk();
        (await PostAsync("k-log", "{\"generation_prompt\":\"seal\"}")).AssertOk();
        var logs = (await TestApp.GetAsync(_app.Client, "/v1/logs?method=POST&q=/v1/generate")).AssertOk().Data.GetProperty("items")
            .EnumerateArray().Reverse().ToArray();
        Assert.Equal([false, true], logs.Select(l => l.GetProperty("replay").GetBoolean()));
    }

    [Fact, Trait("Engine", "LiteDb")]
    public async Task Records_ExpireAfter24Hours_AndTheSweepRemovesThem()
    {
        var dir = TestApp.NewDataDir();
        using var lite = LiteStore.Open(dir);
        using var writer = new WriteQueue(lite, NullLogger<WriteQueue>.Instance);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var store = new LiteIdempotencyStore(lite, writer, clock);
        await writer.RunAsync(s =>
        {
            LiteIdempotencyStore.Record(s, "acc", new IdempotencyClaim("k", "fp", "{}"), "gen-1", clock.GetUtcNow());
            return 0;
        });
        Assert.Equal("gen-1", (await store.FindAsync("acc", "k", CancellationToken.None))?.GenerationId);
        Assert.Null((await store.FindAsync("other-account", "k", CancellationToken.None)));
        clock.Advance(TimeSpan.FromHours(23));
        // No claim goes stale in between: a key is only ever written with the generation it answers for.
        Assert.Equal("gen-1", (await store.FindAsync("acc", "k", CancellationToken.None))?.GenerationId);
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Null((await store.FindAsync("acc", "k", CancellationToken.None)));
        Assert.Equal(1, await store.SweepExpiredAsync(CancellationToken.None));
        writer.Dispose();
        lite.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private async Task<ApiResponse> PostAsync(string key, string body, HttpClient? client = null, string route = "image/bfl/flux-schnell")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/generate/{route}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await ApiResponse.ReadAsync(await (client ?? _app.Client).SendAsync(request));
    }
}
