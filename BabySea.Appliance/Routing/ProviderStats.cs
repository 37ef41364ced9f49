using System.Collections.Concurrent;

namespace BabySea.Appliance.Routing;

/// <summary>Recent attempt outcomes per provider (a sliding time window), for health reporting.</summary>
public sealed class ProviderStats(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(DateTimeOffset At, bool Success)>> _outcomes = new(StringComparer.Ordinal);

    public void Record(string provider, bool success)
    {
        var queue = _outcomes.GetOrAdd(provider, _ => new());
        queue.Enqueue((time.GetUtcNow(), success));
        Trim(queue);
    }

    public (int Successes, int Failures) Snapshot(string provider)
    {
        if (!_outcomes.TryGetValue(provider, out var queue)) return (0, 0);
        Trim(queue);
        var items = queue.ToArray();
        return (items.Count(i => i.Success), items.Count(i => !i.Success));
    }

    private void Trim(ConcurrentQueue<(DateTimeOffset At, bool Success)> queue)
    {
        var cutoff = time.GetUtcNow() - Window;
        while (queue.TryPeek(out var head) && head.At < cutoff) queue.TryDequeue(out _);
    }
}
