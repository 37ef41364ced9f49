using System.Text.Json;
using BabySea.Appliance.Tests.Support;
using BabySea.Appliance.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>
/// The retry schedule, auto-disable, hold and release, replay and restarts, on a fake clock: the test moves time,
/// then waits (bounded, in real time) for the work that time makes due.
/// </summary>
public sealed class WebhookScheduleTests : IAsyncLifetime
{
    private static readonly double[] QuickOffsets = [0, 1, 5, 21, 81];

    private readonly FakeTimeProvider _clock = Hooks.NewClock();
    private readonly string _dataDir = TestApp.NewDataDir();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public async Task FailingReceiver_ThatRecovers_GetsTheEventOnSchedule()
    {
        await using var app = await Hooks.StartAsync(_clock, _dataDir);
        var account = await Hooks.AccountIdAsync(app);
        var (id, secret) = await Hooks.CreateAsync(app, account, _receiver.Url());
        _receiver.Respond = r => r.Index < 5 ? 500 : 200;
        await Hooks.PostAsync(app, account, id, "test");

        await QuickAttemptsAsync(app, account, id, 5);
        var delivery = (await Hooks.DeliveriesAsync(app, account, id)).Single();
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(QuickOffsets, AttemptOffsets(delivery));
        var next = Hooks.Time(delivery, "next_attempt_at");
        Assert.InRange(next - (Hooks.T0 + TimeSpan.FromSeconds(81)), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));

        await StepMinutesUntilAsync(app, () => _receiver.Received.Count == 6, next, TimeSpan.FromMinutes(1), 10);
        delivery = await SettledAsync(app, account, id);
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        var sixth = Hooks.Time(delivery.GetProperty("attempts")[5], "attempted_at");
        Assert.InRange(sixth - next, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        // One delivery id throughout; each attempt signed afresh, at its own time.
        var received = _receiver.Received;
        Assert.Single(received.Select(r => r.DeliveryId).Distinct());
        Assert.Equal(6, received.Select(r => r.Header("X-BabySea-Signature")).Distinct().Count());
        var times = delivery.GetProperty("attempts").EnumerateArray().Select(a => Hooks.Time(a, "attempted_at")).ToArray();
        for (var i = 0; i < 6; i++) SignatureCheck.All(received[i], secret, times[i]);
    }

    [Fact]
    public async Task ConsecutiveFailures_ResetOnA2xx_AndFifteenDisableTheEndpoint_HoldingItsDeliveries()
    {
        await using var app = await Hooks.StartAsync(_clock, _dataDir);
        var account = await Hooks.AccountIdAsync(app);
        var (id, _) = await Hooks.CreateAsync(app, account, _receiver.Url());
        _receiver.Respond = r => r.Index == 13 ? 200 : 500;
        for (var i = 0; i < 30; i++) await Hooks.PostAsync(app, account, id, "test");

        await Eventually.TrueAsync(async () => !(await Hooks.EndpointAsync(app, account, id)).GetProperty("enabled").GetBoolean(), "auto-disable");
        var endpoint = await Hooks.EndpointAsync(app, account, id);
        // 13 failures, a 2xx (the counter resets), then 15 failures: the 29th request disables it; the 30th is held.
        Assert.Equal(29, _receiver.Received.Count);
        Assert.Equal(15, endpoint.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal("15 consecutive failed attempts.", endpoint.GetProperty("disabled_reason").GetString());
        var deliveries = await Hooks.DeliveriesAsync(app, account, id);
        Assert.Equal(1, deliveries.Count(d => d.GetProperty("status").GetString() == "delivered"));
        Assert.Equal(29, deliveries.Count(d => d.GetProperty("status").GetString() == "held"));
        Assert.Equal(29, endpoint.GetProperty("held_deliveries").GetInt32());

        // Time passes: nothing more is sent to a disabled endpoint.
        _clock.Advance(TimeSpan.FromMinutes(10));
        await RetrierRanAsync(app);
        Assert.Equal(29, _receiver.Received.Count);
    }

    [Fact]
    public async Task Gone410_DisablesTheEndpointAtOnce()
    {
        await using var app = await Hooks.StartAsync(_clock, _dataDir);
        var account = await Hooks.AccountIdAsync(app);
        var (id, _) = await Hooks.CreateAsync(app, account, _receiver.Url());
        _receiver.Respond = _ => 410;
        await Hooks.PostAsync(app, account, id, "test");
        await Eventually.TrueAsync(async () => !(await Hooks.EndpointAsync(app, account, id)).GetProperty("enabled").GetBoolean(), "disabled by 410");
        Assert.Equal("The endpoint answered 410 Gone.", (await Hooks.EndpointAsync(app, account, id)).GetProperty("disabled_reason").GetString());
        var delivery = (await Hooks.DeliveriesAsync(app, account, id)).Single();
        Assert.Equal("held", delivery.GetProperty("status").GetString());
        Assert.Equal(410, delivery.GetProperty("last_status_code").GetInt32());
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task HeldEvents_AreDeliveredOnReEnable_InCreationOrder_WithFreshIds_AndOnesOlderThan72HoursExpire()
    {
        // Days pass in this test: a coarser tick keeps the fake clock's work small.
        await using var app = await Hooks.StartAsync(_clock, _dataDir, "Webhooks:PollInterval=00:01:00");
        var account = await Hooks.AccountIdAsync(app);
        var (id, secret) = await Hooks.CreateAsync(app, account, _receiver.Url(), "credits.low_balance");
        await Hooks.PostAsync(app, account, id, "disable");

        await Hooks.StageLowBalanceAsync(app, account, 0.900m, 1.000m); // will be older than the hold window
        _clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        await RetrierRanAsync(app);
        foreach (var balance in new[] { 0.300m, 0.200m, 0.100m }) await Hooks.StageLowBalanceAsync(app, account, balance, 0.500m);

        var held = await Hooks.DeliveriesAsync(app, account, id);
        Assert.Equal(["expired", "held", "held", "held"], held.Select(d => d.GetProperty("status").GetString()));
        Assert.Empty(_receiver.Received);

        var enabled = await Hooks.PostAsync(app, account, id, "enable");
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        var received = await _receiver.WaitForAsync(r => r.Count == 3, "the three held events");
        Assert.Equal([0.300m, 0.200m, 0.100m], received.Select(r => r.Data.GetProperty("current_balance").GetDecimal()));

        var after = await Hooks.DeliveriesAsync(app, account, id);
        var released = after.Where(d => d.GetProperty("status").GetString() == "released").ToArray();
        Assert.Equal(3, released.Length);
        var freshIds = released.Select(d => d.GetProperty("released_as").GetString()).ToArray();
        Assert.Equal(freshIds, received.Select(r => r.DeliveryId));
        Assert.DoesNotContain(received, r => held.Any(h => h.GetProperty("delivery_id").GetString() == r.DeliveryId));
        Assert.All(received, r => SignatureCheck.All(r, secret, Now));
        Assert.Equal("expired", after.First().GetProperty("status").GetString());
        await Eventually.TrueAsync(async () => (await Hooks.DeliveriesAsync(app, account, id)).Count(d => d.GetProperty("status").GetString() == "delivered") == 3,
            "the released deliveries are recorded");
    }

    [Fact]
    public async Task Replay_SendsANewDelivery_WithFreshIdTimestampAndSignature()
    {
        await using var app = await Hooks.StartAsync(_clock, _dataDir);
        var account = await Hooks.AccountIdAsync(app);
        var (id, secret) = await Hooks.CreateAsync(app, account, _receiver.Url());
        var original = (await Hooks.PostAsync(app, account, id, "test")).GetProperty("delivery_id").GetString()!;
        await _receiver.WaitForAsync(r => r.Count == 1, "the original delivery");
        await SettledAsync(app, account, id);

        _clock.Advance(TimeSpan.FromSeconds(30));
        var replay = (await TestApp.PostRawAsync(app.Admin, $"/admin/v1/accounts/{account}/webhooks/{id}/deliveries/{original}/replay", "")).AssertOk().Data;
        Assert.Equal(original, replay.GetProperty("replay_of").GetString());
        var received = await _receiver.WaitForAsync(r => r.Count == 2, "the replay");
        Assert.Equal(replay.GetProperty("delivery_id").GetString(), received[1].DeliveryId);
        Assert.NotEqual(received[0].DeliveryId, received[1].DeliveryId);
        Assert.NotEqual(received[0].Header("X-BabySea-Timestamp"), received[1].Header("X-BabySea-Timestamp"));
        Assert.NotEqual(received[0].Header("X-BabySea-Signature"), received[1].Header("X-BabySea-Signature"));
        Assert.Equal(received[0].Data.GetRawText(), received[1].Data.GetRawText());
        SignatureCheck.All(received[0], secret, Hooks.T0);
        SignatureCheck.All(received[1], secret, Now);
    }

    [Fact]
    public async Task Restarts_InTheMiddleOfTheSchedule_LoseNothing_AndResendNothingAcknowledged()
    {
        string account, id, secret;
        var recovered = false;
        _receiver.Respond = r => !recovered && r.Data.GetProperty("current_balance").GetDecimal() == 0.100m ? 500 : 200;
        await using (var first = await Hooks.StartAsync(_clock, _dataDir))
        {
            account = await Hooks.AccountIdAsync(first);
            (id, secret) = await Hooks.CreateAsync(first, account, _receiver.Url(), "credits.low_balance");
            foreach (var balance in new[] { 0.300m, 0.200m, 0.100m }) await Hooks.StageLowBalanceAsync(first, account, balance, 0.500m);
            await QuickAttemptsAsync(first, account, id, 2, expectedRequests: n => n + 2);
        }

        // Restarted after two quick attempts: the quick schedule goes on from the stored state.
        await using (var second = await Hooks.StartAsync(_clock, _dataDir))
            await QuickAttemptsAsync(second, account, id, 5, from: 2, expectedRequests: n => n + 2);

        // Restarted during the retrier's phase; the receiver recovers meanwhile.
        recovered = true;
        await using var third = await Hooks.StartAsync(_clock, _dataDir);
        var failing = (await Hooks.DeliveriesAsync(third, account, id)).Single(d => d.GetProperty("status").GetString() == "failed");
        var next = Hooks.Time(failing, "next_attempt_at");
        await StepMinutesUntilAsync(third, () => _receiver.Received.Count == 8, next, TimeSpan.FromMinutes(1), 10);
        await SettledAsync(third, account, id);

        var received = _receiver.Received;
        decimal Balance(ReceivedWebhook r) => r.Data.GetProperty("current_balance").GetDecimal();
        Assert.Single(received, r => Balance(r) == 0.300m);
        Assert.Single(received, r => Balance(r) == 0.200m);
        var retried = received.Where(r => Balance(r) == 0.100m).ToArray();
        Assert.Equal(6, retried.Length);
        Assert.Single(retried.Select(r => r.DeliveryId).Distinct());
        var deliveries = await Hooks.DeliveriesAsync(third, account, id);
        Assert.All(deliveries, d => Assert.Equal("delivered", d.GetProperty("status").GetString()));
        var log = deliveries.Single(d => d.GetProperty("delivery_id").GetString() == retried[0].DeliveryId);
        Assert.Equal([1, 2, 3, 4, 5, 6], log.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.Equal(QuickOffsets, AttemptOffsets(log).Take(5));
        Assert.InRange(Hooks.Time(log.GetProperty("attempts")[5], "attempted_at") - next, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        SignatureCheck.All(retried[5], secret, Now);
    }

    [Fact]
    public async Task ADeliveryThatNeverSucceeds_IsRetriedOnAGrowingSchedule_ThenExhaustedAfter72Hours()
    {
        // Days pass in this test: a coarser tick (quick attempts then go at whole minutes) keeps the fake clock's work small.
        await using var app = await Hooks.StartAsync(_clock, _dataDir, "Webhooks:AutoDisableAfter=1000", "Webhooks:PollInterval=00:01:00");
        var account = await Hooks.AccountIdAsync(app);
        var (id, _) = await Hooks.CreateAsync(app, account, _receiver.Url());
        _receiver.Respond = _ => 503;
        await Hooks.PostAsync(app, account, id, "test");
        for (var n = 1; n <= 5; n++)
        {
            if (n > 1)
            {
                _clock.Advance(TimeSpan.FromMinutes(1));
                await RetrierRanAsync(app);
            }
            await AttemptsRecordedAsync(app, account, id, n);
        }

        var step = TimeSpan.FromMinutes(30);
        for (var i = 0; i < 160 && (await SettledAsync(app, account, id)).GetProperty("status").GetString() == "failed"; i++)
        {
            _clock.Advance(step);
            await RetrierRanAsync(app);
        }
        var delivery = await SettledAsync(app, account, id);
        Assert.Equal("exhausted", delivery.GetProperty("status").GetString());
        var times = delivery.GetProperty("attempts").EnumerateArray().Select(a => Hooks.Time(a, "attempted_at")).ToArray();
        Assert.InRange(times.Length, 15, 30);
        Assert.True(times[^1] <= Hooks.T0 + TimeSpan.FromHours(72));
        for (var k = 5; k < times.Length; k++)
        {
            var planned = Math.Min(5 * Math.Pow(2, k - 5), 360);
            Assert.True((times[k] - times[k - 1]).TotalMinutes >= 0.8 * planned, $"retry {k - 4} came after {(times[k] - times[k - 1]).TotalMinutes} min");
        }

        var count = _receiver.Received.Count;
        Assert.Equal(times.Length, count);
        _clock.Advance(TimeSpan.FromHours(12));
        await RetrierRanAsync(app);
        Assert.Equal(count, _receiver.Received.Count);
        var usage = (await TestApp.GetAsync(app.Client, "/v1/usage")).AssertOk().Data.GetProperty("usage_webhooks");
        Assert.Equal(1, usage.GetProperty("exhausted").GetInt32());
    }

    [Fact]
    public async Task AReceiverThatDoesNotAnswer_TimesOutAfter10Seconds_AndTheNextQuickAttemptFollows()
    {
        await using var app = await Hooks.StartAsync(_clock, _dataDir);
        var account = await Hooks.AccountIdAsync(app);
        var (id, _) = await Hooks.CreateAsync(app, account, _receiver.Url());
        _receiver.Respond = r => r.Index == 0 ? -1 : 200;
        await Hooks.PostAsync(app, account, id, "test");
        await _receiver.WaitForAsync(r => r.Count == 1, "the first attempt to arrive");

        _clock.Advance(TimeSpan.FromSeconds(10));
        var delivery = await AttemptsRecordedAsync(app, account, id, 1);
        Assert.Equal("No response within 10 s.", delivery.GetProperty("last_error").GetString());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("last_status_code").ValueKind);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await _receiver.WaitForAsync(r => r.Count == 2, "the second attempt");
        Assert.Equal("delivered", (await SettledAsync(app, account, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ASlowEndpoint_DoesNotHoldUpAnother()
    {
        await using var app = await Hooks.StartAsync(_clock, _dataDir);
        var account = await Hooks.AccountIdAsync(app);
        var (slow, _) = await Hooks.CreateAsync(app, account, _receiver.Url("/slow"), "credits.low_balance");
        var (fast, _) = await Hooks.CreateAsync(app, account, _receiver.Url("/fast"), "credits.low_balance");
        _receiver.Respond = r => r.Path == "/slow" ? -1 : 200;
        await Hooks.StageLowBalanceAsync(app, account, 0.400m, 0.500m);

        await _receiver.WaitForAsync(r => r.Any(x => x.Path == "/slow") && r.Any(x => x.Path == "/fast"), "both endpoints called");
        await Eventually.TrueAsync(async () => (await Hooks.DeliveriesAsync(app, account, fast)).Single().GetProperty("status").GetString() == "delivered",
            "the fast endpoint's delivery, while the slow one is still waiting for an answer");
        Assert.Equal(0, (await Hooks.DeliveriesAsync(app, account, slow)).Single().GetProperty("attempt_count").GetInt32());

        // Shutdown cancels the request still waiting rather than sitting out the host's shutdown timeout.
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await app.StopAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed}");
    }

    /// <summary>
    /// Steps the clock to each quick attempt (1, 4, 16, 60 s apart) and waits for it, from attempt
    /// <paramref name="from"/> + 1 up to <paramref name="until"/>.
    /// </summary>
    private async Task QuickAttemptsAsync(TestApp app, string account, string id, int until, int from = 0, Func<int, int>? expectedRequests = null)
    {
        expectedRequests ??= n => n;
        for (var n = from + 1; n <= until; n++)
        {
            if (n > 1) _clock.Advance(TimeSpan.FromSeconds(QuickOffsets[n - 1] - QuickOffsets[n - 2]));
            var count = expectedRequests(n);
            await _receiver.WaitForAsync(r => r.Count == count, $"quick attempt {n}");
            await AttemptsRecordedAsync(app, account, id, n);
        }
    }

    /// <summary>Steps the clock a minute at a time (the retrier's schedule) until <paramref name="done"/>, at most <paramref name="max"/> steps.</summary>
    private async Task StepMinutesUntilAsync(TestApp app, Func<bool> done, DateTimeOffset due, TimeSpan step, int max)
    {
        for (var i = 0; i < max; i++)
        {
            _clock.Advance(step);
            await RetrierRanAsync(app);
            if (Now >= due)
            {
                await Eventually.TrueAsync(done, "the retried delivery");
                return;
            }
            Assert.False(done(), $"sent before it was due ({Now} < {due})");
        }
        Assert.Fail("The retry never became due.");
    }

    private async Task RetrierRanAsync(TestApp app)
    {
        var retrier = app.Service<WebhookRetrier>();
        await Eventually.TrueAsync(() => retrier.LastRun == Now, $"the retrier's run at {Now}");
    }

    /// <summary>Waits until the (first failing, else only) delivery has no attempt due now, i.e. nothing is in flight.</summary>
    private async Task<JsonElement> SettledAsync(TestApp app, string account, string id)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            var all = await Hooks.DeliveriesAsync(app, account, id);
            found = all.FirstOrDefault(d => d.GetProperty("status").GetString() is "pending" or "failed", all.Last());
            return found.GetProperty("next_attempt_at").ValueKind == JsonValueKind.Null || Hooks.Time(found, "next_attempt_at") > Now;
        }, "no attempt in flight");
        return found;
    }

    private static async Task<JsonElement> AttemptsRecordedAsync(TestApp app, string account, string id, int attempts)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(async () => (await Hooks.DeliveriesAsync(app, account, id))
            .Any(d => (found = d).GetProperty("status").GetString() != "delivered" && d.GetProperty("attempt_count").GetInt32() == attempts),
            $"attempt {attempts} recorded");
        return found;
    }

    private static double[] AttemptOffsets(JsonElement delivery)
    {
        var created = Hooks.Time(delivery, "created_at");
        return [.. delivery.GetProperty("attempts").EnumerateArray().Select(a => (Hooks.Time(a, "attempted_at") - created).TotalSeconds)];
    }
}
