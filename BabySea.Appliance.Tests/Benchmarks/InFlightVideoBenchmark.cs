using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Tests.Support;
using Xunit.Abstractions;

namespace BabySea.Appliance.Tests.Benchmarks;

/// <summary>
/// A few thousand emulated video jobs in flight at once. It prints figures (and writes them to
/// <c>bench-results/inflight-video.txt</c>, or <c>$BABYSEA_BENCH_RESULTS</c>): create rate, threads and memory
/// while every job waits on its provider, and the time to drain. The only assertions are about behaviour a user
/// would notice: every job finishes and the thread count does not grow with the number of jobs waiting.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class InFlightVideoBenchmark(ITestOutputHelper output)
{
    private const int Jobs = 2000;

    [Fact]
    public async Task ThousandsOfInFlightVideoJobs_KeepThreadsAndMemoryFlat()
    {
        using var plans = new UncappedPlans();
        await using var app = await TestApp.StartAsync(null, 0, plans.Setting,
            "Emulator:VideoLatencyMs=15000", "Emulator:VideoLongEdge=64", "Routing:MaxPollInterval=00:00:05");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 100_000 })).AssertOk();

        var process = Process.GetCurrentProcess();
        (long Rss, int Threads, long Heap) Sample()
        {
            process.Refresh();
            return (process.WorkingSet64 / (1024 * 1024), process.Threads.Count, GC.GetTotalMemory(false) / (1024 * 1024));
        }
        var baseline = Sample();

        var created = Stopwatch.StartNew();
        var ids = new string[Jobs];
        await Parallel.ForEachAsync(Enumerable.Range(0, Jobs), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var r = await TestApp.PostRawAsync(app.Client, "/v1/generate/video/bytedance/seedance-1-pro-fast",
                $"{{\"generation_prompt\":\"wave {i}\",\"generation_duration\":4,\"generation_resolution\":\"480p\",\"generation_provider_order\":\"replicate\"}}");
            ids[i] = r.AssertOk().Data.GetProperty("generation_id").GetString()!;
        });
        created.Stop();

        var store = app.Service<IGenerationStore>();
        var samples = new List<(double At, int InFlight, long Rss, int Threads, long Heap)>();
        var drain = Stopwatch.StartNew();
        while (true)
        {
            var inFlight = (await store.UnclaimedAsync(DateTimeOffset.MaxValue, null, CancellationToken.None)).Count;
            var (rss, threads, heap) = Sample();
            samples.Add((drain.Elapsed.TotalSeconds, inFlight, rss, threads, heap));
            if (inFlight == 0 || drain.Elapsed > TimeSpan.FromMinutes(4)) break;
            await Task.Delay(1000);
        }
        drain.Stop();

        var succeeded = 0;
        foreach (var id in ids)
            if ((await store.FindAsync(id, null, CancellationToken.None))!.Status == GenerationStatus.Succeeded) succeeded++;
        var waiting = samples.Where(s => s.InFlight > Jobs / 2).ToArray();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"in-flight video benchmark, {DateTimeOffset.UtcNow:O}, {Environment.ProcessorCount} cores");
        report.AppendLine(CultureInfo.InvariantCulture, $"jobs: {Jobs}, created in {created.Elapsed.TotalSeconds:0.0} s ({Jobs / created.Elapsed.TotalSeconds:0} creates/s), succeeded: {succeeded}");
        report.AppendLine(CultureInfo.InvariantCulture, $"baseline: rss {baseline.Rss} MiB, threads {baseline.Threads}, managed heap {baseline.Heap} MiB");
        report.AppendLine(CultureInfo.InvariantCulture, $"while >{Jobs / 2} in flight: threads max {waiting.Select(s => s.Threads).DefaultIfEmpty().Max()}, rss max {waiting.Select(s => s.Rss).DefaultIfEmpty().Max()} MiB, managed heap max {waiting.Select(s => s.Heap).DefaultIfEmpty().Max()} MiB");
        report.AppendLine(CultureInfo.InvariantCulture, $"drained in {drain.Elapsed.TotalSeconds:0.0} s");
        report.AppendLine("t(s)  in-flight  rss(MiB)  threads  heap(MiB)");
        foreach (var s in samples) report.AppendLine(CultureInfo.InvariantCulture, $"{s.At,5:0}  {s.InFlight,9}  {s.Rss,8}  {s.Threads,7}  {s.Heap,9}");
        output.WriteLine(report.ToString());
        var results = Environment.GetEnvironmentVariable("BABYSEA_BENCH_RESULTS") ?? Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "inflight-video.txt"), report.ToString());

        Assert.Equal(Jobs, succeeded);
        // Waiting on a provider holds no thread: thousands of waiting jobs must not show up as thousands of threads.
        Assert.True(waiting.Select(s => s.Threads).DefaultIfEmpty().Max() < baseline.Threads + 100, report.ToString());
    }
}
