using System.Text.Json;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>
/// <c>kill -9</c> of the native binary while its retention sweep deletes, folds and rolls up, with generations in
/// flight, or while it writes a backup: after each kill <c>verify --recount</c> finds the ledger exact and every rollup
/// equal to a recount of the rows still present, and a later sweep or backup finishes the job.
/// </summary>
[Collection("native")]
public sealed class HistoryCrashTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Binary_KilledWhileSweeping_LeavesEveryRollupAndLedgerRuleIntact_AndTheNextSweepFinishes()
    {
        // 45 days on Free: generations and request logs older than a day, files older than an hour, the ledger past 30 days
        // and hour rollups past three days are all due at once.
        await SeedAsync(generations: 3000, requestLogs: 20000, plan: "free");
        // Small batches make the sweep hundreds of writer commands, so a kill lands between two of them.
        var settings = new Dictionary<string, string> { ["Retention__BatchSize"] = "20" };
        var random = new Random(7);
        var killedMidSweep = 0;
        for (var trial = 0; trial < 3; trial++)
        {
            var app = await NativeBinary.StartAsync(_dataDir, TestApp.FreePort(), settings);
            var sweep = app.Admin.PostAsync("/admin/v1/retention/sweep", null);
            for (var i = 0; i < 3; i++)
                (await TestApp.PostRawAsync(app.Client, "/v1/generate/image/bfl/flux-schnell",
                    $"{{\"generation_prompt\":\"during the sweep {trial}-{i} [[emulate latency:600]]\"}}")).AssertOk();
            await Task.Delay(random.Next(100, 500));
            if (!sweep.IsCompleted) killedMidSweep++;
            app.Kill();
            await app.DisposeAsync();
            try { await sweep; } catch (HttpRequestException) { } // the process is gone

            var (code, report) = await NativeBinary.RunVerbAsync(_dataDir, "verify", "--recount");
            Assert.True(code == 0, $"after kill {trial + 1}: {report}");
        }
        Assert.True(killedMidSweep > 0, "every sweep had finished before its kill: the history is too small to test anything");

        await using (var app = await NativeBinary.StartAsync(_dataDir, TestApp.FreePort(), settings))
        {
            (await TestApp.PostRawAsync(app.Admin, "/admin/v1/retention/sweep", "")).AssertOk();
            var again = (await TestApp.PostRawAsync(app.Admin, "/admin/v1/retention/sweep", "")).AssertOk().Data;
            Assert.Equal(0, again.GetProperty("generations").GetInt32() + again.GetProperty("hour_rollups").GetInt32()
                + again.GetProperty("ledger_folded").GetInt32());
            foreach (var account in (await TestApp.GetAsync(app.Admin, "/admin/v1/accounts")).AssertOk().Data.GetProperty("accounts").EnumerateArray())
            {
                if (account.GetProperty("plan").GetString() != "free") continue;
                var id = account.GetProperty("account_id").GetString();
                var logs = (await TestApp.GetAsync(app.Admin, $"/admin/v1/accounts/{id}/logs?limit=500")).AssertOk().Data.GetProperty("items");
                Assert.All(logs.EnumerateArray(), l => Assert.True(DateTimeOffset.Parse(l.GetProperty("at").GetString()!) > DateTimeOffset.UtcNow.AddDays(-1).AddMinutes(-5)));
            }
        }
        var (final, finalReport) = await NativeBinary.RunVerbAsync(_dataDir, "verify", "--recount");
        Assert.True(final == 0, finalReport);
        Assert.True(JsonDocument.Parse(finalReport).RootElement.GetProperty("ok").GetBoolean(), finalReport);
    }

    [Fact]
    public async Task Binary_KilledWhileBackingUp_LeavesNoFolderThatLooksLikeABackup_AndTheNextBackupStartsAndVerifies()
    {
        await SeedAsync(generations: 3000, requestLogs: 40000, plan: "enterprise");
        var backups = Directory.CreateDirectory(TestApp.NewDataDir()).FullName;
        var target = Path.Combine(backups, "nightly");
        try
        {
            await using (var app = await NativeBinary.StartAsync(_dataDir, TestApp.FreePort()))
            {
                var backup = app.Admin.PostAsync("/admin/v1/backup", new StringContent($"{{\"to\":\"{target}\"}}", System.Text.Encoding.UTF8, "application/json"));
                // Killed once the copy has begun (its temporary folder exists), before it could be renamed into place.
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (!Directory.EnumerateDirectories(backups, "nightly.partial-*").Any() && !backup.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(5);
                Assert.False(backup.IsCompleted, "the backup finished before the kill: the history is too small to test anything");
                app.Kill();
                try { await backup; } catch (HttpRequestException) { }
            }
            Assert.False(Directory.Exists(target), "a half-made copy sits where the backup was asked for");
            Assert.NotEmpty(Directory.EnumerateDirectories(backups, "nightly.partial-*"));
            var (code, report) = await NativeBinary.RunVerbAsync(_dataDir, "verify", "--recount");
            Assert.True(code == 0, report);

            await using (var app = await NativeBinary.StartAsync(_dataDir, TestApp.FreePort()))
                (await TestApp.PostRawAsync(app.Admin, "/admin/v1/backup", $"{{\"to\":\"{target}\"}}")).AssertOk();
            (code, report) = await NativeBinary.RunVerbAsync(target, "verify", "--recount");
            Assert.True(code == 0, report);
            await using (var restored = await NativeBinary.StartAsync(target, TestApp.FreePort()))
                (await TestApp.GetAsync(restored.Client, "/v1/content/list")).AssertOk();
        }
        finally
        {
            Directory.Delete(backups, recursive: true);
        }
    }

    /// <summary>An install (the bootstrap account first, as on any machine), then seeded history over 45 days.</summary>
    private async Task SeedAsync(int generations, int requestLogs, string plan)
    {
        await (await NativeBinary.StartAsync(_dataDir, TestApp.FreePort())).DisposeAsync();
        var (code, output) = await NativeBinary.RunVerbAsync(_dataDir, "seed", "--accounts", "3", "--generations", $"{generations}",
            "--request-logs", $"{requestLogs}", "--days", "45", "--plan", plan);
        Assert.True(code == 0, output);
    }
}
