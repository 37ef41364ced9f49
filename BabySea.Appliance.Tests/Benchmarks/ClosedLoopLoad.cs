using System.Diagnostics;

namespace BabySea.Appliance.Tests.Benchmarks;

/// <summary>What one load step measured: answers that succeeded per second and their latencies.</summary>
public sealed record LoadResult(int Succeeded, int Failed, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;
}

/// <summary>
/// A closed loop: <c>concurrency</c> clients each send one request, wait for its answer and send the next, until the
/// window ends. Only 2xx answers count towards the rate and the latencies; anything else is counted as failed.
/// </summary>
public static class ClosedLoopLoad
{
    public static HttpClient NewClient(string baseUrl)
        => new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromMinutes(2),
        };

    public static async Task<LoadResult> RunAsync(HttpClient client, Func<HttpRequestMessage> request, int concurrency, TimeSpan window)
    {
        var latencies = new List<double>[concurrency];
        var failed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            while (clock.Elapsed < window)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request());
                await response.Content.LoadIntoBufferAsync();
                if (response.IsSuccessStatusCode) mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                else Interlocked.Increment(ref failed);
            }
        }));
        clock.Stop();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length, failed, clock.Elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];
}
