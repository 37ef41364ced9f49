using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;
using Xunit.Abstractions;

namespace BabySea.Appliance.Tests.Benchmarks;

/// <summary>
/// What forcing every group commit to disk (<c>Storage:Durability</c>) costs on the create path: the same burst of
/// creates against the appliance with it on and off, twice each in alternation so that a noisy neighbour hits both
/// sides, after one uncounted warm-up run. It prints creates/s and p50/p99 per side and the ratio, and writes them to <c>bench-results/durability.txt</c>
/// (or <c>$BABYSEA_BENCH_RESULTS</c>). The only assertion is that every create is accepted.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class DurabilityCostBenchmark(ITestOutputHelper output)
{
    private const int Creates = 1500;
    private const int Concurrency = 32;

    [Fact]
    public async Task CreatePath_WithAndWithoutFsync()
    {
        using var plans = new UncappedPlans();
        var runs = new List<(bool Durable, double PerSecond, double P50, double P99)>();
        await RunAsync(plans.Setting, durable: false); // warm-up (JIT, thread pool), not counted: the first run is always slowest
        foreach (var durable in new[] { true, false, true, false }) runs.Add(await RunAsync(plans.Setting, durable));

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"durability cost on the create path, {DateTimeOffset.UtcNow:O}, {Environment.ProcessorCount} cores, {Creates} creates at c={Concurrency}");
        foreach (var r in runs)
            report.AppendLine(CultureInfo.InvariantCulture, $"Storage:Durability={r.Durable,-5}  {r.PerSecond,7:0} creates/s  p50 {r.P50,6:0.0} ms  p99 {r.P99,6:0.0} ms");
        var on = runs.Where(r => r.Durable).Average(r => r.PerSecond);
        var off = runs.Where(r => !r.Durable).Average(r => r.PerSecond);
        report.AppendLine(CultureInfo.InvariantCulture, $"durable/non-durable throughput: {on / off:0.00} ({on:0} vs {off:0} creates/s)");
        output.WriteLine(report.ToString());
        var results = Environment.GetEnvironmentVariable("BABYSEA_BENCH_RESULTS") ?? Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "durability.txt"), report.ToString());
    }

    private static async Task<(bool, double, double, double)> RunAsync(string plansSetting, bool durable)
    {
        // Jobs take a minute at the emulated provider, so what is measured is the create path alone.
        await using var app = await TestApp.StartAsync(null, 0, plansSetting, $"Storage:Durability={durable}",
            "Emulator:ImageLatencyMs=60000", "Routing:MinPollInterval=00:00:05", "Routing:MaxPollInterval=00:00:05");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 100_000 })).AssertOk();
        var latencies = new double[Creates];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Creates), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            (await TestApp.PostRawAsync(app.Client, "/v1/generate/image/bfl/flux-schnell",
                $"{{\"generation_prompt\":\"seal {i}\",\"generation_provider_order\":\"replicate\"}}")).AssertOk();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        });
        clock.Stop();
        Array.Sort(latencies);
        return (durable, Creates / clock.Elapsed.TotalSeconds, latencies[Creates / 2], latencies[Creates * 99 / 100]);
    }
}
