using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Tests.Support;
using Xunit.Abstractions;

namespace BabySea.Appliance.Tests.Benchmarks;

/// <summary>
/// History at scale: seeds a history with the <c>seed</c> verb, then measures start to first 200 and the process's RSS,
/// <c>/v1/usage</c>, list pages at offset 0 and 10,000, a filtered logs page and every analytics period, as the account
/// holding a fifth of everything. Prints the figures and writes <c>bench-results/history.txt</c> (or <c>$BABYSEA_BENCH_RESULTS</c>).
/// Size from <c>BABYSEA_HISTORY_ACCOUNTS</c>, <c>_GENERATIONS</c>, <c>_REQUEST_LOGS</c>, <c>_DAYS</c> (default 20 / 20,000 /
/// 100,000 / 365); <c>BABYSEA_HISTORY_DIR</c> reuses a seeded folder. Runs in-process under JIT: start and RSS are the
/// test host's, an upper bound of the native binary's.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class HistoryBenchmark(ITestOutputHelper output)
{
    private const int Runs = 20;

    [Fact]
    public async Task ReadsStayFlat_WhateverTheHistory()
    {
        int Size(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable($"BABYSEA_HISTORY_{name}"), out var v) ? v : fallback;
        var (accounts, generations, logs, days) = (Size("ACCOUNTS", 20), Size("GENERATIONS", 20_000), Size("REQUEST_LOGS", 100_000), Size("DAYS", 365));
        var dir = Environment.GetEnvironmentVariable("BABYSEA_HISTORY_DIR") ?? TestApp.NewDataDir();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"history benchmark, {DateTimeOffset.UtcNow:O}, {Environment.ProcessorCount} cores, {accounts} accounts, {generations} generations, {logs} request logs over {days} days");
        if (!File.Exists(Path.Combine(dir, "babysea.db")))
        {
            var seed = Stopwatch.StartNew();
            var stdout = new StringWriter();
            Assert.Equal(0, await CommandLine.RunAsync(["seed", "--accounts", $"{accounts}", "--generations", $"{generations}", "--request-logs", $"{logs}",
                "--days", $"{days}", $"--BABYSEA_DATA_DIR={dir}"], stdout, new StringWriter()));
            report.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed.Elapsed.TotalSeconds:0.0} s  {stdout.ToString().Trim()}");
        }
        report.AppendLine(CultureInfo.InvariantCulture, $"database: {new FileInfo(Path.Combine(dir, "babysea.db")).Length / 1048576.0:0.0} MiB");

        GC.Collect();
        var start = Stopwatch.StartNew();
        await using var app = await TestApp.StartAsync(dir);
        (await TestApp.GetAsync(app.Admin, "/admin/v1/accounts")).AssertOk();
        start.Stop();
        report.AppendLine(CultureInfo.InvariantCulture, $"start to first 200: {start.Elapsed.TotalMilliseconds:0} ms, RSS {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:0} MiB (test host)");

        var heaviest = (await TestApp.GetAsync(app.Admin, "/admin/v1/accounts")).AssertOk().Data.GetProperty("accounts").EnumerateArray()
            .Single(a => a.GetProperty("account_name").GetString() == "Seeded 1").GetProperty("account_id").GetString();
        var key = (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{heaviest}/keys", new JsonObject { ["name"] = "bench" })).AssertOk()
            .Data.GetProperty("api_key").GetString()!;
        using var client = app.NewClient(key);
        foreach (var path in new[]
        {
            "/v1/usage?days=1", "/v1/usage?days=30", "/v1/usage?days=90", "/v1/content/list?limit=100&offset=0", "/v1/content/list?limit=100&offset=10000",
            "/v1/logs?limit=100", "/v1/logs?limit=100&status=404", "/v1/credits/ledger?limit=100",
            "/v1/analytics?period=24h", "/v1/analytics?period=7d", "/v1/analytics?period=30d", "/v1/analytics?period=90d",
        })
        {
            (await TestApp.GetAsync(client, path)).AssertOk(); // warm-up, not counted
            var times = new double[Runs];
            for (var i = 0; i < Runs; i++)
            {
                var t = Stopwatch.StartNew();
                (await TestApp.GetAsync(client, path)).AssertOk();
                times[i] = t.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            report.AppendLine(CultureInfo.InvariantCulture, $"{path,-45} p50 {times[Runs / 2],7:0.0} ms  p95 {times[(int)(Runs * 0.95) - 1],7:0.0} ms");
        }
        report.AppendLine(CultureInfo.InvariantCulture, $"RSS after the reads: {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:0} MiB (test host)");
        output.WriteLine(report.ToString());
        var results = Environment.GetEnvironmentVariable("BABYSEA_BENCH_RESULTS") ?? Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "history.txt"), report.ToString());
    }
}
