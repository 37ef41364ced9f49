using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Routing;

/// <summary>
/// What this appliance measured: per provider, outcomes in a sliding time window (health); per model and
/// provider, the last <see cref="RoutingOptions.RankingWindow"/> attempts with their time to result (<c>fastest</c>).
/// </summary>
public sealed class RoutingStats(TimeProvider time, IOptions<RoutingOptions> options)
{
    public static readonly TimeSpan HealthWindow = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<(DateTimeOffset At, bool Success)>> _byProvider = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Model, string Provider), ConcurrentQueue<Sample>> _byModel = new();

    public sealed record Sample(bool Success, bool Wasted, double Seconds);

    /// <summary>A model's provider as <c>fastest</c> sees it.</summary>
    public sealed record ModelProviderStats(string Provider, int Samples, double SuccessRate, double WastedRate, double? P95Seconds);

    public void Record(string model, string provider, bool success, bool wasted, TimeSpan elapsed)
    {
        var health = _byProvider.GetOrAdd(provider, _ => new());
        health.Enqueue((time.GetUtcNow(), success));
        TrimHealth(health);
        var samples = _byModel.GetOrAdd((model, provider), _ => new());
        samples.Enqueue(new Sample(success, wasted, elapsed.TotalSeconds));
        while (samples.Count > options.Value.RankingWindow && samples.TryDequeue(out _)) { }
    }

    public (int Successes, int Failures) Health(string provider)
    {
        if (!_byProvider.TryGetValue(provider, out var queue)) return (0, 0);
        TrimHealth(queue);
        var items = queue.ToArray();
        return (items.Count(i => i.Success), items.Count(i => !i.Success));
    }

    public ModelProviderStats ForModel(string model, string provider)
    {
        var samples = _byModel.TryGetValue((model, provider), out var q) ? q.ToArray() : [];
        if (samples.Length == 0) return new ModelProviderStats(provider, 0, 0, 0, null);
        var times = samples.Where(s => s.Success).Select(s => s.Seconds).Order().ToArray();
        double? p95 = times.Length == 0 ? null : times[Math.Min(times.Length - 1, (int)Math.Ceiling(times.Length * 0.95) - 1)];
        return new ModelProviderStats(provider, samples.Length, (double)samples.Count(s => s.Success) / samples.Length,
            (double)samples.Count(s => s.Wasted) / samples.Length, p95);
    }

    private void TrimHealth(ConcurrentQueue<(DateTimeOffset At, bool Success)> queue)
    {
        var cutoff = time.GetUtcNow() - HealthWindow;
        while (queue.TryPeek(out var head) && head.At < cutoff) queue.TryDequeue(out _);
    }
}
