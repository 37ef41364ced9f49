using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Routing;

/// <summary>
/// Failover through the whole appliance on a model served by two providers (runway, then replicate), with short
/// attempt deadlines so a slow first provider is abandoned quickly.
/// </summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private const string Model = "runway/gen4-image-turbo";
    private static readonly TimeSpan ResultDeadline = TimeSpan.FromSeconds(2);
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, 0, "Emulator:ImageLatencyMs=100", "Emulator:ImageLongEdge=256",
            $"Routing:ImageResultDeadline={ResultDeadline}", "Routing:SubmitTimeout=00:00:02",
            "Routing:MinPollInterval=00:00:00.050", "Routing:MaxPollInterval=00:00:00.200", "Routing:CircuitMinimumThroughput=1000");
        var account = (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 100 })).AssertOk();
    }

    public async Task DisposeAsync()
    {
        await Invariants.CheckAsync(_app);
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("server_error", "BSE4001", false)]
    [InlineData("rate_limit", "BSE4004", false)]
    [InlineData("capacity", "BSE4005", false)]
    [InlineData("corrupt_output", "BSE4012", true)]
    public async Task FirstProviderFails_SecondDelivers_WithOneReservationAndOneCharge(string fault, string code, bool wasted)
    {
        var done = await RunAsync($"a harbour [[emulate runway:{fault}]]");
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.Equal("replicate", done.GetProperty("generation_provider_used").GetString());
        var attempts = done.GetProperty("generation_attempts").EnumerateArray().ToArray();
        Assert.Equal(["runway", "replicate"], attempts.Select(a => a.GetProperty("provider").GetString()));
        Assert.Equal(code, attempts[0].GetProperty("error_code").GetString());
        Assert.Equal(wasted, attempts[0].GetProperty("wasted").GetBoolean());
        Assert.Equal("used", attempts[1].GetProperty("outcome").GetString());
        var id = done.GetProperty("generation_id").GetString();
        var moves = (await _app.Service<ILedgerStore>().EntriesAsync(done.GetProperty("account_id").GetString()!, CancellationToken.None)).Where(e => e.GenerationId == id);
        Assert.Equal([LedgerType.Reserve, LedgerType.Charge], moves.Select(e => e.Type));
    }

    [Fact]
    public async Task SlowFirstProvider_IsAbandonedAtItsDeadline_CanceledAndCountedAsWaste_AndTheSecondStartsAtOnce()
    {
        var watch = Stopwatch.StartNew();
        var done = await RunAsync("slow [[emulate runway:never_finish]]");
        watch.Stop();
        Assert.Equal("replicate", done.GetProperty("generation_provider_used").GetString());
        var first = done.GetProperty("generation_attempts")[0];
        Assert.Equal(("abandoned", "BSE4002", true),
            (first.GetProperty("outcome").GetString(), first.GetProperty("error_code").GetString(), first.GetProperty("wasted").GetBoolean()));
        // Failover never waits past the first attempt's deadline: the rest is the second provider's quick job.
        var started = DateTimeOffset.Parse(first.GetProperty("submitted_at").GetString()!);
        var abandoned = DateTimeOffset.Parse(first.GetProperty("finished_at").GetString()!);
        Assert.InRange((abandoned - started).TotalSeconds, ResultDeadline.TotalSeconds - 0.1, ResultDeadline.TotalSeconds + 1.5);
        var secondStarted = DateTimeOffset.Parse(done.GetProperty("generation_attempts")[1].GetProperty("submitted_at").GetString()!);
        Assert.InRange((secondStarted - abandoned).TotalSeconds, 0, 1.0);

        // The abandoned job was canceled at Runway: its task is gone.
        var jobId = first.GetProperty("provider_job_id").GetString();
        using var runway = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        runway.DefaultRequestHeaders.Add("Authorization", "Bearer key_emulator");
        runway.DefaultRequestHeaders.Add("X-Runway-Version", "2024-11-06");
        var task = await runway.GetAsync($"/emulator/runway/v1/tasks/{jobId}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, task.StatusCode);
    }

    [Theory]
    [InlineData("moderation", "BSE4009")]
    [InlineData("invalid_input", "BSE4010")]
    public async Task ContentPolicyOrInvalidInput_EndsTheChain_AndRefunds(string fault, string code)
    {
        var done = await RunAsync($"no [[emulate runway:{fault}]]");
        Assert.Equal("failed", done.GetProperty("generation_status").GetString());
        Assert.Equal(code, done.GetProperty("generation_error_code").GetString());
        Assert.Single(done.GetProperty("generation_attempts").EnumerateArray());
    }

    [Fact]
    public async Task EveryProviderFails_Bse4003_WithEachProvidersErrorInOrder()
    {
        var done = await RunAsync("doomed [[emulate server_error]]");
        Assert.Equal("failed", done.GetProperty("generation_status").GetString());
        Assert.Equal("BSE4003", done.GetProperty("generation_error_code").GetString());
        Assert.Equal(["runway", "replicate"], done.GetProperty("generation_attempts").EnumerateArray().Select(a => a.GetProperty("provider").GetString()));
        Assert.Contains("runway BSE4001", done.GetProperty("generation_error").GetString());
        // Each provider's own error, and retryable because some attempt was.
        var errors = done.GetProperty("provider_errors").EnumerateArray().ToArray();
        Assert.Equal([("runway", "BSE4001", "provider_error", true), ("replicate", "BSE4001", "provider_error", true)],
            errors.Select(e => (e.GetProperty("provider").GetString(), e.GetProperty("code").GetString(), e.GetProperty("type").GetString(),
                e.GetProperty("retryable").GetBoolean())));
        Assert.True(done.GetProperty("generation_error_retryable").GetBoolean());
    }

    [Fact]
    public async Task AChainEndedByContentPolicy_IsNotRetryable()
    {
        var done = await RunAsync("no [[emulate runway:moderation]]");
        Assert.False(done.GetProperty("generation_error_retryable").GetBoolean());
        Assert.Equal("BSE4009", Assert.Single(done.GetProperty("provider_errors").EnumerateArray()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AProviderThatAsksToWait_GetsNoNewWorkUntilThen()
    {
        async Task<JsonElement> GenerateAsync(string prompt)
        {
            var create = (await TestApp.PostRawAsync(_app.Client, $"/v1/generate/image/{Model}",
                $"{{\"generation_prompt\":\"{prompt}\",\"generation_provider_order\":\"replicate, runway\"}}")).AssertOk();
            return await _app.WaitForTerminalAsync(create.Data.GetProperty("generation_id").GetString()!);
        }
        string[] Tried(JsonElement g) => g.GetProperty("generation_attempts").EnumerateArray().Select(a => a.GetProperty("provider").GetString()!).ToArray();

        // Replicate throttles with Retry-After: 2.
        var throttled = await GenerateAsync("x [[emulate replicate:rate_limit]]");
        var askedAt = DateTimeOffset.UtcNow;
        Assert.Equal(["replicate", "runway"], Tried(throttled));

        var meanwhile = await GenerateAsync("y");
        Assert.Equal("succeeded", meanwhile.GetProperty("generation_status").GetString());
        Assert.Equal(["runway"], Tried(meanwhile));

        await Task.Delay(askedAt.AddSeconds(2.2) - DateTimeOffset.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero);
        Assert.Equal(["replicate"], Tried(await GenerateAsync("z")));
    }

    [Fact]
    public async Task ExplicitOrder_IsEchoedAndFollowed()
    {
        var create = (await TestApp.PostRawAsync(_app.Client, $"/v1/generate/image/{Model}",
            "{\"generation_prompt\":\"x\",\"generation_provider_order\":\"replicate, runway\"}")).AssertOk();
        Assert.Equal(["replicate", "runway"], create.Data.GetProperty("generation_provider_order").EnumerateArray().Select(e => e.GetString()));
        var done = await _app.WaitForTerminalAsync(create.Data.GetProperty("generation_id").GetString()!);
        Assert.Equal("replicate", done.GetProperty("generation_provider_used").GetString());
    }

    private async Task<JsonElement> RunAsync(string prompt)
    {
        var create = (await TestApp.PostRawAsync(_app.Client, $"/v1/generate/image/{Model}",
            $"{{\"generation_prompt\":{JsonSerializer.Serialize(prompt, TestJson.Default.String)},\"generation_provider_order\":\"runway, replicate\"}}")).AssertOk();
        return await _app.WaitForTerminalAsync(create.Data.GetProperty("generation_id").GetString()!, TimeSpan.FromSeconds(30));
    }
}
