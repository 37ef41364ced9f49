using System.Text.Json;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Tests.Support;
using BabySea.Appliance.Tests.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace BabySea.Appliance.Tests.Billing;

/// <summary>Plan retention (reference §6.6) on the Free plan: files after an hour, records and logs after a day, the ledger after 30 days.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task Sweeps_RemoveWhatThePlanNoLongerKeeps_RollupsStay_AndTheLedgerFoldsIntoAnOpeningBalance()
    {
        var dir = TestApp.NewDataDir();
        var clock = new ShiftedClock();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using (var app = await TestApp.StartOnPlanAsync("free", dir, 0, s => s.AddSingleton<TimeProvider>(clock), Hooks.AllowLoopback))
        {
            var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
            var (webhook, _) = await Hooks.CreateAsync(app, account, receiver.BaseUrl + "/hook", "generation.completed");
            var id = await app.CreateGenerationAsync("seal", extraJson: "\"generation_provider_order\":\"replicate\"");
            var done = await app.WaitForTerminalAsync(id);
            await Eventually.TrueAsync(async () => (await Hooks.DeliveriesAsync(app, account, webhook)) is [var d] && d.GetProperty("status").GetString() == "delivered",
                "the completion delivered");
            Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
            var balance = await BalanceAsync(app);
            var files = Directory.GetFiles(Path.Combine(dir, "artifacts"), "*.jpg", SearchOption.AllDirectories);
            Assert.Single(files);
            Assert.Contains(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd"), files[0]);

            clock.Advance(TimeSpan.FromHours(2));
            Assert.Equal(1, (await SweepAsync(app)).GetProperty("output_files").GetInt32());
            Assert.Empty(Directory.GetFiles(Path.Combine(dir, "artifacts"), "*.jpg", SearchOption.AllDirectories));
            var record = (await TestApp.GetAsync(app.Client, $"/v1/content/{id}")).AssertOk().Data;
            Assert.True(record.GetProperty("generation_removed").GetBoolean());

            clock.Advance(TimeSpan.FromDays(2));
            await SweepAsync(app);
            Assert.Empty(await Hooks.DeliveriesAsync(app, account, webhook)); // and its total with it
            Assert.Equal(0, (await TestApp.GetAsync(app.Client, "/v1/content/list")).AssertOk().Body.GetProperty("total").GetInt32());
            var logs = (await TestApp.GetAsync(app.Client, "/v1/logs")).AssertOk().Data.GetProperty("items");
            Assert.All(logs.EnumerateArray(), l => Assert.True(DateTimeOffset.Parse(l.GetProperty("at").GetString()!) > clock.GetUtcNow().AddDays(-1)));
            var analytics = (await TestApp.GetAsync(app.Client, "/v1/analytics")).AssertOk().Data;
            Assert.Equal(1, analytics.GetProperty("generations").GetProperty("succeeded").GetInt32());

            clock.Advance(TimeSpan.FromDays(40));
            await SweepAsync(app);
            var (after, entries) = await TestApp.LedgerAsync(app.Admin, account);
            Assert.Equal(balance, after);
            var opening = Assert.Single(entries);
            Assert.Equal(("opening", balance), (opening.GetProperty("type").GetString(), opening.GetProperty("delta").GetDecimal()));
            Assert.Equal(1, (await TestApp.GetAsync(app.Client, "/v1/usage?days=90")).AssertOk().Data.GetProperty("usage_total_generations").GetInt32());
            // Hour buckets went after three days; the day bucket still counts the generation.
            var rollups = app.Service<IRollupStore>();
            Assert.Empty(await rollups.ReadAsync(account, RollupGrain.Hour, DateTimeOffset.UnixEpoch, clock.GetUtcNow().AddDays(-3), CancellationToken.None));
            Assert.Equal(1, (await rollups.ReadAsync(account, RollupGrain.Day, DateTimeOffset.UnixEpoch, clock.GetUtcNow(), CancellationToken.None)).Sum(b => b.Count("gen|created")));
        }
        var stdout = new StringWriter();
        var code = await CommandLine.RunAsync(["verify", "--recount", $"--BABYSEA_DATA_DIR={dir}", .. TestApp.EngineArgs(dir)], stdout, new StringWriter());
        Assert.True(code == 0, stdout.ToString());
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>The operator's sweep-now endpoint, the same work as the hourly job.</summary>
    private static async Task<JsonElement> SweepAsync(TestApp app)
    {
        await app.Service<RequestLogWriter>().FlushAsync();
        return (await TestApp.PostRawAsync(app.Admin, "/admin/v1/retention/sweep", "")).AssertOk().Data;
    }

    private static async Task<decimal> BalanceAsync(TestApp app)
        => (await TestApp.GetAsync(app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal();

    /// <summary>Real time, moved forward by hand: jobs still finish while the test jumps days ahead.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private TimeSpan _shift;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _shift;

        public void Advance(TimeSpan by) => _shift += by;
    }
}
