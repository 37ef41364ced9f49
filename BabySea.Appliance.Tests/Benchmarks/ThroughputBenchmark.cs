using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.EndToEnd;
using BabySea.Appliance.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace BabySea.Appliance.Tests.Benchmarks;

/// <summary>
/// Generations per second through the published native binary against a zero-latency OpenAI Images upstream, side by
/// side with Portkey's gateway proxying the same upstream (the stateless reference). Closed-loop load at c=1/8/32 for:
/// <list type="bullet">
/// <item>completed generations: creates in a loop; a generation counts as completed when its charge is committed, read as
/// the <c>used</c> submissions of <c>/v1/usage</c> at the start and the end of the window (one cheap read each, so
/// nothing polls per generation). Between steps the backlog drains (every generation completed, every webhook delivered);
/// CPU per generation is the appliance process's own CPU time (<c>/proc</c>) from the window's start until that drain
/// ended, divided by the generations the window created;</item>
/// <item>the create path alone: the upstream never answers, so nothing completes during the window;</item>
/// <item>completed generations at c=32 on the PostgreSQL engine (a server of the test run's own), with one node and with
/// two nodes on one database sharing the load (c=16 each).</item>
/// </list>
/// The appliance runs as shipped (Information logging, <c>Storage:Durability</c> on) with an uncapped plan and one
/// webhook endpoint subscribed to <c>generation.completed</c>, delivered to the upstream. It prints every figure, the
/// ratios to Portkey and RSS (idle, after the completed runs, after the create runs), and writes them to
/// <c>bench-results/throughput.txt</c> (or <c>$BABYSEA_BENCH_RESULTS</c>). <c>BABYSEA_THROUGHPUT_SECONDS</c> sets the
/// window per step (2 s by default, so the run stays under a minute; 10 s for figures worth comparing). No figure is
/// asserted: the only assertion is that the appliance accepted every create.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class ThroughputBenchmark(ITestOutputHelper output)
{
    private static readonly int[] Concurrencies = [1, 8, 32];
    private const string Model = "openai/gpt-image-1.5";
    private const string CreateBody = "{\"generation_prompt\":\"a harbour seal on a rock\",\"generation_provider_order\":\"openai\"}";
    private const string UpstreamBody = "{\"model\":\"gpt-image-1.5\",\"prompt\":\"a harbour seal on a rock\"}";
    private const string OnePixelPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private static readonly byte[] ImagesAnswer = Encoding.UTF8.GetBytes($"{{\"created\":1700000000,\"data\":[{{\"b64_json\":\"{OnePixelPng}\"}}]}}");

    [Fact]
    public async Task Throughput_AgainstZeroLatencyUpstream_SideBySideWithPortkey()
    {
        var window = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BABYSEA_THROUGHPUT_SECONDS") ?? "2", CultureInfo.InvariantCulture));
        var binary = await EnsureBinaryAsync();
        var hang = false;
        await using var upstream = await FakeUpstream.StartAsync(async http =>
        {
            if (http.Request.Path.StartsWithSegments("/v1/images/generations"))
            {
                if (Volatile.Read(ref hang))
                {
                    // The create-path runs: the job never finishes, so no completion competes with the creates.
                    try { await Task.Delay(Timeout.Infinite, http.RequestAborted); }
                    catch (OperationCanceledException) { }
                    return;
                }
                http.Response.ContentType = "application/json";
                await http.Response.Body.WriteAsync(ImagesAnswer);
                return;
            }
            await http.Response.WriteAsync("ok"); // webhook deliveries
        });

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"throughput benchmark, {DateTimeOffset.UtcNow:O}, {Environment.ProcessorCount} cores, {window.TotalSeconds:0.#} s per step, model {Model}, order openai, zero-latency upstream");
        report.AppendLine(CultureInfo.InvariantCulture, $"appliance: {binary} (Storage:Durability on, Information logging, one webhook endpoint on generation.completed)");

        var portkey = await MeasurePortkeyAsync(upstream.BaseUrl, window);
        var appliance = await MeasureApplianceAsync(upstream.BaseUrl, window, () => Volatile.Write(ref hang, true));
        Volatile.Write(ref hang, false);
        var postgres = await MeasurePostgresAsync(upstream.BaseUrl, window);

        Write(report, portkey, appliance, postgres);
        output.WriteLine(report.ToString());
        var results = Environment.GetEnvironmentVariable("BABYSEA_BENCH_RESULTS") ?? Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "throughput.txt"), report.ToString());

        Assert.True(appliance.Completed.All(s => s.Load.Failed == 0) && appliance.Creates.All(s => s.Load.Failed == 0)
            && postgres.All(s => s.Loads.All(l => l.Failed == 0)), report.ToString());
    }

    private sealed record PortkeyRun(string? NotRun, IReadOnlyList<LoadResult> Loads, long IdleRssMiB, long AfterRssMiB);

    private sealed record CompletedStep(int Concurrency, LoadResult Load, double CompletedPerSecond, double CpuMsPerGeneration, TimeSpan Drain);

    private sealed record CreateStep(int Concurrency, LoadResult Load);

    /// <summary>One PostgreSQL step: the load each node took, and the generations completed per second by all of them.</summary>
    private sealed record PostgresStep(int Nodes, IReadOnlyList<LoadResult> Loads, double CompletedPerSecond, TimeSpan Drain)
    {
        public double CreatesPerSecond => Loads.Sum(l => l.PerSecond);
    }

    private sealed record ApplianceRun(IReadOnlyList<CompletedStep> Completed, IReadOnlyList<CreateStep> Creates, long IdleRssMiB, long AfterCompletedRssMiB,
        long AfterCreatesRssMiB);

    private static async Task<PortkeyRun> MeasurePortkeyAsync(string upstream, TimeSpan window)
    {
        var (gateway, reason) = await PortkeyGateway.StartAsync();
        if (gateway is null) return new PortkeyRun(reason, [], 0, 0);
        await using (gateway)
        {
            using var client = ClosedLoopLoad.NewClient(gateway.BaseUrl);
            var config = PortkeyGateway.Config(upstream + "/v1");
            HttpRequestMessage Request()
            {
                var r = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations") { Content = new StringContent(UpstreamBody, Encoding.UTF8, "application/json") };
                r.Headers.Add("x-portkey-config", config);
                return r;
            }
            var idle = RssMiB(gateway.ProcessId);
            var probe = await ClosedLoopLoad.RunAsync(client, Request, 1, TimeSpan.FromMilliseconds(200));
            if (probe.Succeeded == 0) return new PortkeyRun("Portkey answered no request with 2xx", [], idle, RssMiB(gateway.ProcessId));
            await ClosedLoopLoad.RunAsync(client, Request, 8, TimeSpan.FromSeconds(1)); // warm-up, not counted
            var loads = new List<LoadResult>();
            foreach (var c in Concurrencies) loads.Add(await ClosedLoopLoad.RunAsync(client, Request, c, window));
            return new PortkeyRun(null, loads, idle, RssMiB(gateway.ProcessId));
        }
    }

    private static async Task<ApplianceRun> MeasureApplianceAsync(string upstream, TimeSpan window, Action hangUpstream)
    {
        using var plans = new UncappedPlans();
        var dataDir = TestApp.NewDataDir();
        try
        {
            await using var app = await NativeBinary.StartAsync(dataDir, TestApp.FreePort(), Settings(upstream, plans));
            await PrepareAccountAsync(app, upstream);
            using var client = ClosedLoopLoad.NewClient(app.BaseUrl);
            await Task.Delay(500);
            var idle = RssMiB(app.ProcessId);
            var created = (await ClosedLoopLoad.RunAsync(client, Create, 8, TimeSpan.FromSeconds(1))).Succeeded; // warm-up, not counted
            await DrainAsync(app.Client, created);

            var completed = new List<CompletedStep>();
            foreach (var c in Concurrencies)
            {
                var cpu = CpuTime(app.ProcessId);
                var before = await UsedAsync(app.Client);
                var load = await ClosedLoopLoad.RunAsync(client, Create, c, window);
                var after = await UsedAsync(app.Client);
                created += load.Succeeded;
                var drain = await DrainAsync(app.Client, created);
                completed.Add(new CompletedStep(c, load, (after - before) / load.Elapsed.TotalSeconds,
                    (CpuTime(app.ProcessId) - cpu).TotalMilliseconds / Math.Max(1, load.Succeeded), drain));
            }
            var afterCompleted = RssMiB(app.ProcessId);

            hangUpstream();
            var creates = new List<CreateStep>();
            foreach (var c in Concurrencies) creates.Add(new CreateStep(c, await ClosedLoopLoad.RunAsync(client, Create, c, window)));
            return new ApplianceRun(completed, creates, idle, afterCompleted, RssMiB(app.ProcessId));
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>
    /// Completed generations at c=32 on PostgreSQL: one node, then two nodes on one database (each its own data folder,
    /// c=16 each, started together), each run on a fresh database, the backlog drained before the window.
    /// </summary>
    private static async Task<IReadOnlyList<PostgresStep>> MeasurePostgresAsync(string upstream, TimeSpan window)
    {
        var steps = new List<PostgresStep>();
        foreach (var nodes in new[] { 1, 2 })
        {
            using var plans = new UncappedPlans();
            var settings = Settings(upstream, plans);
            settings["Storage__Engine"] = "postgres";
            // Npgsql's own default pool (100), not the suite's smaller one: 32 requests and the worker write at once.
            settings["Storage__ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer.NewDatabase()) { MaxPoolSize = 100 }.ConnectionString;
            var folders = Enumerable.Range(0, nodes + 1).Select(_ => TestApp.NewDataDir()).ToArray();
            settings["Storage__ArtifactsPath"] = folders[^1];
            var apps = await Task.WhenAll(folders[..nodes].Select(dir => NativeBinary.StartAsync(dir, TestApp.FreePort(), settings)));
            try
            {
                await PrepareAccountAsync(apps[0], upstream);
                var clients = apps.Select(a => ClosedLoopLoad.NewClient(a.BaseUrl)).ToArray();
                var created = (await Task.WhenAll(clients.Select(c => ClosedLoopLoad.RunAsync(c, Create, 8 / nodes, TimeSpan.FromSeconds(1))))).Sum(l => l.Succeeded);
                await DrainAsync(apps[0].Client, created);
                var before = await UsedAsync(apps[0].Client);
                var loads = await Task.WhenAll(clients.Select(c => ClosedLoopLoad.RunAsync(c, Create, 32 / nodes, window)));
                var after = await UsedAsync(apps[0].Client);
                var drain = await DrainAsync(apps[0].Client, created + loads.Sum(l => l.Succeeded));
                steps.Add(new PostgresStep(nodes, loads, (after - before) / loads.Max(l => l.Elapsed.TotalSeconds), drain));
                foreach (var client in clients) client.Dispose();
            }
            finally
            {
                foreach (var app in apps) await app.DisposeAsync();
                foreach (var dir in folders.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
            }
        }
        return steps;
    }

    /// <summary>The appliance as shipped, pointed at the upstream, with an uncapped plan.</summary>
    private static Dictionary<string, string> Settings(string upstream, UncappedPlans plans) => new()
    {
        ["Providers__openai__BaseUrl"] = upstream + "/v1",
        ["Providers__openai__ApiKey"] = "sk-bench",
        ["Outbound__AllowedPrivateHosts__0"] = "127.0.0.1",
        ["Billing__PlansFile"] = plans.FilePath,
        // The create-path runs leave every generation waiting on the upstream; the queue must hold them all.
        ["Generations__QueueCapacity"] = "1000000",
        ["Logging__Level"] = "Information",
    };

    /// <summary>Credits for the whole run and one webhook endpoint on <c>generation.completed</c>, delivered to the upstream.</summary>
    private static async Task PrepareAccountAsync(NativeBinary app, string upstream)
    {
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).AssertOk().Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 1_000_000 })).AssertOk();
        (await TestApp.PostAsync(app.Client, "/v1/webhooks",
            new JsonObject { ["url"] = upstream + "/hooks", ["events"] = new JsonArray("generation.completed") })).AssertOk();
    }

    private static HttpRequestMessage Create()
    {
        var r = new HttpRequestMessage(HttpMethod.Post, $"/v1/generate/image/{Model}") { Content = new StringContent(CreateBody, Encoding.UTF8, "application/json") };
        r.Headers.Authorization = new("Bearer", TestApp.ApiKey);
        return r;
    }

    /// <summary>
    /// Generations whose charge is committed (the upstream's used submissions) and webhook deliveries acknowledged, from
    /// <c>/v1/usage</c>.
    /// </summary>
    private static async Task<(int Used, int Delivered)> UsageAsync(HttpClient client)
    {
        var usage = (await TestApp.GetAsync(client, "/v1/usage?days=1")).AssertOk().Data;
        return (usage.GetProperty("usage_providers").EnumerateArray()
                .Where(p => p.GetProperty("provider").GetString() == "openai").Sum(p => p.GetProperty("used_count").GetInt32()),
            usage.GetProperty("usage_webhooks").GetProperty("delivered").GetInt32());
    }

    private static async Task<int> UsedAsync(HttpClient client) => (await UsageAsync(client)).Used;

    /// <summary>Waits until every generation created so far has completed and its webhook was delivered; returns how long that took.</summary>
    private static async Task<TimeSpan> DrainAsync(HttpClient client, int created)
    {
        var clock = Stopwatch.StartNew();
        while (await UsageAsync(client) is var (used, delivered) && (used < created || delivered < created))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"{created} generations were created; after 3 minutes {used} had completed and {delivered} webhooks were delivered.");
            await Task.Delay(50);
        }
        return clock.Elapsed;
    }

    private static void Write(StringBuilder report, PortkeyRun portkey, ApplianceRun appliance, IReadOnlyList<PostgresStep> postgres)
    {
        string Cell(LoadResult r) => string.Create(CultureInfo.InvariantCulture, $"{r.PerSecond,6:0}/s p50 {r.P50Ms,5:0.00} p99 {r.P99Ms,6:0.0}");
        report.AppendLine(CultureInfo.InvariantCulture, $"{"",-30}{"c=1",-32}{"c=8",-32}{"c=32",-32}   (latencies in ms)");
        if (portkey.NotRun is null)
            report.AppendLine(CultureInfo.InvariantCulture, $"{"Portkey proxied requests",-30}{string.Concat(portkey.Loads.Select(r => $"{Cell(r),-32}"))}");
        else
            report.AppendLine(CultureInfo.InvariantCulture, $"Portkey {PortkeyGateway.Version}: NOT RUN ({portkey.NotRun}); no ratios");
        report.AppendLine(CultureInfo.InvariantCulture, $"{"Appliance creates (loop a)",-30}{string.Concat(appliance.Completed.Select(s => $"{Cell(s.Load),-32}"))}");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{"Appliance completed gens",-30}{string.Concat(appliance.Completed.Select(s => $"{s.CompletedPerSecond,6:0}/s{"",-24}"))}");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{"  CPU per generation",-30}{string.Concat(appliance.Completed.Select(s => $"{s.CpuMsPerGeneration,6:0.00} ms{"",-23}"))}");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{"  drained (and delivered) after",-30}{string.Concat(appliance.Completed.Select(s => $"{s.Drain.TotalSeconds,6:0.0} s{"",-24}"))}");
        report.AppendLine(CultureInfo.InvariantCulture, $"{"Appliance create path alone",-30}{string.Concat(appliance.Creates.Select(s => $"{Cell(s.Load),-32}"))}");
        if (portkey.NotRun is null)
        {
            var p = portkey.Loads;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"ratios to Portkey (c=1/8/32): completed {Ratios(appliance.Completed.Select(s => s.CompletedPerSecond), p)}, create path {Ratios(appliance.Creates.Select(s => s.Load.PerSecond), p)}");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"goals: completed/Portkey at c=32 {appliance.Completed[2].CompletedPerSecond / p[2].PerSecond:0.00} (>= 1.5); create path/Portkey at c=32 {appliance.Creates[2].Load.PerSecond / p[2].PerSecond:0.00} (>= 3) with p99 {appliance.Creates[2].Load.P99Ms:0.0} ms (<= 20); sequential create p50 {appliance.Creates[0].Load.P50Ms:0.00} ms vs Portkey {p[0].P50Ms:0.00} ms (<=)");
            report.AppendLine(CultureInfo.InvariantCulture, $"Portkey RSS: idle {portkey.IdleRssMiB} MiB, after {portkey.AfterRssMiB} MiB");
        }
        foreach (var step in postgres)
        {
            var ratio = portkey.NotRun is null ? string.Create(CultureInfo.InvariantCulture, $", completed/Portkey {step.CompletedPerSecond / portkey.Loads[2].PerSecond:0.00}") : "";
            report.AppendLine(CultureInfo.InvariantCulture,
                $"PostgreSQL, {step.Nodes} node{(step.Nodes > 1 ? "s" : "")} at c=32: completed {step.CompletedPerSecond:0}/s, creates {step.CreatesPerSecond:0}/s (p99 {step.Loads.Max(l => l.P99Ms):0.0} ms), drained after {step.Drain.TotalSeconds:0.0} s{ratio}");
        }
        report.AppendLine(CultureInfo.InvariantCulture,
            $"appliance RSS: idle {appliance.IdleRssMiB} MiB, after the completed runs {appliance.AfterCompletedRssMiB} MiB ({(double)appliance.AfterCompletedRssMiB / appliance.IdleRssMiB:0.00}x idle, goal <= 2), after the create runs {appliance.AfterCreatesRssMiB} MiB ({appliance.Creates.Sum(s => s.Load.Succeeded)} generations still waiting on the upstream)");
    }

    private static string Ratios(IEnumerable<double> ours, IReadOnlyList<LoadResult> portkey)
        => string.Join("/", ours.Zip(portkey, (a, p) => (a / p.PerSecond).ToString("0.00", CultureInfo.InvariantCulture)));

    private static async Task<string> EnsureBinaryAsync()
    {
        var configured = Environment.GetEnvironmentVariable("BABYSEA_NATIVE_BINARY");
        var path = !string.IsNullOrEmpty(configured) ? configured : Path.Combine(NativeBinary.RepoRoot(), "dist", "linux-x64", "babysea-appliance");
        if (!File.Exists(path) && string.IsNullOrEmpty(configured))
        {
            using var publish = Process.Start(new ProcessStartInfo(Path.Combine(NativeBinary.RepoRoot(), "publish.sh"))
            {
                WorkingDirectory = NativeBinary.RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            var log = publish.StandardOutput.ReadToEndAsync();
            var errors = await publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync();
            Assert.True(publish.ExitCode == 0, $"./publish.sh failed:\n{await log}\n{errors}");
        }
        return NativeBinary.Path;
    }

    /// <summary>The process's resident set in MiB, as <c>ps</c> shows it.</summary>
    internal static long RssMiB(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.WorkingSet64 / (1024 * 1024);
    }

    private static TimeSpan CpuTime(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }
}
