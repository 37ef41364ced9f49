using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Billing;

public sealed class PlansAndVerifyTests
{
    [Fact]
    public async Task Renewal_GrantsAPaidPlansCreditsOncePerPeriod()
    {
        await using var app = await TestApp.StartOnPlanAsync("free");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        var renewals = app.Service<IEnumerable<BabySea.Appliance.Hosting.ICronJob>>().OfType<PlanRenewals>().Single();

        await renewals.RunAsync(CancellationToken.None);
        Assert.Equal(1.000m, await BalanceAsync(app)); // Free grants nothing
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/plan", new JsonObject { ["plan"] = "starter" })).AssertOk();
        await renewals.RunAsync(CancellationToken.None);
        await renewals.RunAsync(CancellationToken.None);
        Assert.Equal(10.000m, await BalanceAsync(app)); // + 9.000 once: grants add to what is left
        var renewal = Assert.Single(await app.Service<ILedgerStore>().EntriesAsync(account, CancellationToken.None), e => e.Description.StartsWith("Subscription renewal", StringComparison.Ordinal));
        Assert.Equal(9.000m, renewal.Amount);
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task TheScheduledLedgerCheck_MovesCheckpointsOn_SoTheNextStartWalksOnlyWhatCameAfter()
    {
        await using var app = await TestApp.StartOnPlanAsync("free");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 5 })).AssertOk();
        var check = app.Service<IEnumerable<BabySea.Appliance.Hosting.ICronJob>>().OfType<LedgerCheck>().Single();
        Assert.Equal("17 * * * *", check.Schedule.ToString());

        await check.RunAsync(CancellationToken.None); // an occurrence while serving
        var ledger = app.Service<ILedgerStore>();
        var last = (await ledger.EntriesAsync(account, CancellationToken.None))[^1];
        Assert.DoesNotContain(await ledger.MovedSinceCheckpointsAsync(CancellationToken.None), c => c.AccountId == account);
        var next = await app.Service<LedgerVerifier>().RunSinceCheckpointsAsync(CancellationToken.None);
        Assert.True(next.Ok);
        Assert.Equal(0, next.EntriesChecked);

        // One new movement: only that account is walked, from the checkpoint the check left.
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 2 })).AssertOk();
        var moved = Assert.Single(await ledger.MovedSinceCheckpointsAsync(CancellationToken.None));
        Assert.Equal((account, last.Id, 6.000m), (moved.AccountId, moved.LastEntryId, moved.Balance));
        var after = await app.Service<LedgerVerifier>().RunSinceCheckpointsAsync(CancellationToken.None);
        Assert.Equal((true, 1, 1), (after.Ok, after.AccountsChecked, after.EntriesChecked));
        Assert.Empty(await ledger.MovedSinceCheckpointsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CreditPacks_NeedAPaidPlanAndAListedSize()
    {
        await using var app = await TestApp.StartOnPlanAsync("free");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credit-packs", new JsonObject { ["amount"] = 25 }))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "plan");
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/plan", new JsonObject { ["plan"] = "pro" })).AssertOk();
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credit-packs", new JsonObject { ["amount"] = 30 }))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "amount");
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credit-packs", new JsonObject { ["amount"] = 25 })).AssertOk();
        Assert.Equal(26.000m, await BalanceAsync(app));
    }

    [Fact, Trait("Engine", "LiteDb")]
    public async Task Verify_HealthyFolderPasses_ATamperedLedgerFails()
    {
        var dir = TestApp.NewDataDir();
        await using (var app = await TestApp.StartAsync(dir))
        {
            var ok = await app.CreateGenerationAsync("fine", extraJson: "\"generation_provider_order\":\"replicate\"");
            var bad = await app.CreateGenerationAsync("bad [[emulate server_error]]", extraJson: "\"generation_provider_order\":\"replicate\"");
            await app.WaitForTerminalAsync(ok);
            await app.WaitForTerminalAsync(bad);
        }
        var (code, report) = await VerifyAsync(dir, "--recount");
        Assert.True(report.GetProperty("ok").GetBoolean(), string.Join("\n", report.GetProperty("violations").EnumerateArray()));
        Assert.Equal(0, code);
        Assert.True(report.GetProperty("rollups_recounted").GetBoolean());
        Assert.Equal(2, report.GetProperty("generations_checked").GetInt32());
        await using (var app = await TestApp.StartAsync(dir))
        {
            var since = await app.Service<LedgerVerifier>().RunSinceCheckpointsAsync(CancellationToken.None);
            Assert.True(since.Ok);
            Assert.Equal((0, 0), (since.AccountsChecked, since.EntriesChecked));
        }

        // A second refund written behind the appliance's back: verify must say so and fail.
        using (var lite = BabySea.Appliance.Storage.LiteDb.LiteStore.Open(dir))
        {
            var refund = lite.Collection("ledger").FindOne(LiteDB.BsonExpression.Create("type = @0", "refund"));
            var id = LiteDB.ObjectId.NewObjectId();
            refund["_id"] = id;
            refund["ak"] = refund["account_id"].AsString + "|" + id;
            refund["movement_key"] = "tampered";
            lite.Collection("ledger").Insert(refund);
            // Written the way a faulty write inside the appliance would leave it: the account row names its newest entry.
            var owner = lite.Collection("accounts").FindById(refund["account_id"]);
            owner["ledger_tip"] = id.ToString();
            lite.Collection("accounts").Update(owner);
        }
        (code, report) = await VerifyAsync(dir);
        Assert.Equal(1, code);
        var violations = report.GetProperty("violations").EnumerateArray().Select(v => v.GetString()).ToArray();
        Assert.Contains(violations, v => v!.Contains("ledger sums to"));
        Assert.Contains(violations, v => v!.Contains("2 refund"));

        // The check at start walks only what was written since the last check: the tampered entry breaks the balance chain.
        await using (var app = await TestApp.StartAsync(dir))
        {
            var since = await app.Service<LedgerVerifier>().RunSinceCheckpointsAsync(CancellationToken.None);
            Assert.Equal(1, since.EntriesChecked);
            Assert.Contains(since.Violations, v => v.Contains("balance_after"));
        }
        (code, report) = await VerifyAsync(dir, "--recount");
        Assert.Contains(report.GetProperty("violations").EnumerateArray().Select(v => v.GetString()), v => v!.Contains("cr|refunded"));
        Directory.Delete(dir, recursive: true);
    }

    [Fact, Trait("Engine", "LiteDb")]
    public async Task StartCheck_ABalanceThatDisagreesWithAnUnchangedLedger_IsReported()
    {
        var dir = TestApp.NewDataDir();
        await using (var app = await TestApp.StartAsync(dir))
            Assert.True((await app.Service<LedgerVerifier>().RunSinceCheckpointsAsync(CancellationToken.None)).Ok);
        // The balance changed behind the appliance's back, with no entry to explain it: no writer is moving it, so the
        // check reports it rather than waiting for the ledger to catch up.
        using (var lite = BabySea.Appliance.Storage.LiteDb.LiteStore.Open(dir))
        {
            var account = lite.Collection("accounts").FindAll().First();
            account["balance"] = account["balance"].AsDecimal + 1m;
            lite.Collection("accounts").Update(account);
        }
        await using (var app = await TestApp.StartAsync(dir))
        {
            var since = await app.Service<LedgerVerifier>().RunSinceCheckpointsAsync(CancellationToken.None);
            Assert.Contains(since.Violations, v => v.Contains("ledger sums to"));
        }
        Directory.Delete(dir, recursive: true);
    }

    private static async Task<decimal> BalanceAsync(TestApp app)
        => (await TestApp.GetAsync(app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal();

    private static async Task<(int Code, JsonElement Report)> VerifyAsync(string dataDir, params string[] options)
    {
        var stdout = new StringWriter();
        var code = await CommandLine.RunAsync(["verify", .. options, $"--BABYSEA_DATA_DIR={dataDir}", .. TestApp.EngineArgs(dataDir)], stdout, new StringWriter());
        return (code, JsonDocument.Parse(stdout.ToString()).RootElement.Clone());
    }
}
