using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.EndToEnd;
using BabySea.Appliance.Tests.Support;
using Xunit.Abstractions;

namespace BabySea.Appliance.Tests.Benchmarks;

/// <summary>
/// History at scale, against the published native binary: seeds a history with its <c>seed</c> verb, then measures start
/// to first 200 and RSS (from <c>/proc</c>), and p50/p95 of <c>/v1/usage</c>, list pages at offset 0 and 10,000, logs pages
/// with and without filters, the ledger page and every analytics period as the account holding a fifth of everything,
/// each beside its goal, then each dashboard page's data (goal 300 ms), then RSS again. Prints the figures and writes
/// <c>bench-results/history.txt</c> (or <c>$BABYSEA_BENCH_RESULTS</c>). Size from <c>BABYSEA_HISTORY_ACCOUNTS</c>,
/// <c>_GENERATIONS</c>, <c>_REQUEST_LOGS</c>, <c>_DAYS</c> (default 10 / 5,000 / 50,000 / 365: a minute, for the normal suite); <c>BABYSEA_HISTORY_DIR</c> reuses a seeded folder.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection("native")]
public sealed class HistoryBenchmark(ITestOutputHelper output)
{
    private const int Runs = 20;
    private readonly StringBuilder _report = new();

    private void Line(FormattableString line)
    {
        _report.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        output.WriteLine(line.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ReadsStayFlat_WhateverTheHistory()
    {
        int Size(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable($"BABYSEA_HISTORY_{name}"), out var v) ? v : fallback;
        var (accounts, generations, logs, days) = (Size("ACCOUNTS", 10), Size("GENERATIONS", 5_000), Size("REQUEST_LOGS", 50_000), Size("DAYS", 365));
        var dir = Environment.GetEnvironmentVariable("BABYSEA_HISTORY_DIR") ?? TestApp.NewDataDir();
        Line($"history benchmark (native binary), {DateTimeOffset.UtcNow:O}, {Environment.ProcessorCount} cores");
        if (!File.Exists(Path.Combine(dir, "babysea.db")))
        {
            var seed = Stopwatch.StartNew();
            var (code, seeded) = await NativeBinary.RunVerbAsync(dir, "seed", "--accounts", $"{accounts}", "--generations", $"{generations}",
                "--request-logs", $"{logs}", "--days", $"{days}");
            Assert.True(code == 0, seeded);
            Line($"seed: {seed.Elapsed.TotalSeconds:0.0} s  {seeded.Trim().Split('\n')[^1]}");
        }
        Line($"database: {new FileInfo(Path.Combine(dir, "babysea.db")).Length / 1048576.0:0.0} MiB");

        var port = TestApp.FreePort();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApp.AdminTokenValue);
        var start = Stopwatch.StartNew();
        using var process = NativeBinary.StartProcess(dir, port);
        JsonElement accountList;
        while (true)
        {
            try
            {
                var r = await TestApp.GetAsync(admin, "/admin/v1/accounts");
                if (r.Status == HttpStatusCode.OK)
                {
                    accountList = r.Data;
                    break;
                }
            }
            catch (HttpRequestException) { }
            Assert.True(!process.HasExited && start.Elapsed < TimeSpan.FromMinutes(2), "the binary did not come up");
            await Task.Delay(5);
        }
        start.Stop();
        Line($"start to first 200: {start.Elapsed.TotalMilliseconds:0} ms (goal 500), RSS {ThroughputBenchmark.RssMiB(process.Id)} MiB (goal 100)");

        try
        {
            var heaviest = accountList.GetProperty("accounts").EnumerateArray()
                .Single(a => a.GetProperty("account_name").GetString() == "Seeded 1").GetProperty("account_id").GetString();
            var key = (await TestApp.PostAsync(admin, $"/admin/v1/accounts/{heaviest}/keys", new JsonObject { ["name"] = "bench" })).AssertOk()
                .Data.GetProperty("api_key").GetString()!;
            (await TestApp.PostAsync(admin, $"/admin/v1/accounts/{heaviest}/plan", new JsonObject { ["plan"] = "enterprise" })).AssertOk();
            using var client = new HttpClient { BaseAddress = admin.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            foreach (var (path, goal) in new (string, int)[]
            {
                ("/v1/usage?days=1", 100), ("/v1/usage?days=30", 100), ("/v1/usage?days=90", 100),
                ("/v1/content/list?limit=100&offset=0", 50), ("/v1/content/list?limit=100&offset=10000", 50),
                ("/v1/logs?limit=100", 100), ("/v1/logs?limit=100&status=404", 100), ("/v1/logs?limit=100&bse_code=BSE4011&method=POST", 100),
                ("/v1/credits/ledger?limit=100", 100),
                ("/v1/analytics?period=24h", 200), ("/v1/analytics?period=7d", 200), ("/v1/analytics?period=30d", 200), ("/v1/analytics?period=90d", 200),
            })
                await MeasureAsync(client, path, goal, path);

            // Each dashboard page's data: the reads the page makes on opening, one after the other (the browser overlaps
            // some of them, so this is the slower case), as the same account, or as the operator for the operator pages.
            var generation = (await TestApp.GetAsync(client, "/v1/content/list?limit=1")).Data.GetProperty("generations")[0]
                .GetProperty("generation_id").GetString();
            var webhook = (await TestApp.GetAsync(client, "/v1/webhooks")).Data.GetProperty("webhooks")[0].GetProperty("webhook_id").GetString();
            foreach (var (page, reader, paths) in new (string, HttpClient, string[])[]
            {
                ("Metrics", client, ["/v1/user/billing", "/v1/analytics?period=7d"]),
                ("Generations", client, ["/v1/content/list?limit=50&offset=0", $"/v1/content/{generation}"]),
                ("Logs", client, ["/v1/logs?limit=100"]),
                ("Credits", client, ["/v1/credits/ledger?limit=100"]),
                ("Activity", client, ["/v1/activity"]),
                ("API keys", client, ["/v1/keys"]),
                ("Webhooks", client, ["/v1/webhooks", $"/v1/webhooks/{webhook}/deliveries?limit=50"]),
                ("Alerts", client, ["/v1/alerts"]),
                ("Playground", client, ["/v1/library/models"]),
                ("Accounts (operator)", admin, ["/admin/v1/accounts"]),
                ("Providers (operator)", admin, ["/admin/v1/health/inference/providers", "/admin/v1/health/inference/models"]),
                ("Catalog (operator)", admin, ["/admin/v1/library/models"]),
            })
                await MeasureAsync(reader, $"dashboard page {page}", 300, paths);
            Line($"RSS after the reads: {ThroughputBenchmark.RssMiB(process.Id)} MiB");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        var results = Environment.GetEnvironmentVariable("BABYSEA_BENCH_RESULTS") ?? Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "history.txt"), _report.ToString());
        if (Environment.GetEnvironmentVariable("BABYSEA_HISTORY_DIR") is null) Directory.Delete(dir, recursive: true);
    }

    /// <summary>p50/p95 over <see cref="Runs"/> of reading <paramref name="paths"/> one after the other, after one uncounted warm-up.</summary>
    private async Task MeasureAsync(HttpClient client, string label, int goal, params string[] paths)
    {
        async Task ReadAll()
        {
            foreach (var path in paths) (await TestApp.GetAsync(client, path)).AssertOk();
        }
        await ReadAll();
        var times = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var t = Stopwatch.StartNew();
            await ReadAll();
            times[i] = t.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        var p95 = times[(int)(Runs * 0.95) - 1];
        Line($"{label,-52} p50 {times[Runs / 2],7:0.0} ms  p95 {p95,7:0.0} ms  (goal {goal}{(p95 <= goal ? "" : ", over")})");
    }
}
