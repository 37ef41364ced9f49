using System.Collections.Concurrent;

namespace BabySea.Appliance.Api.RateLimiting;

/// <summary>Counts an account's requests per clock minute.</summary>
public interface IRequestWindows
{
    /// <summary>Counts one more request of <paramref name="accountId"/> in <paramref name="minute"/> (Unix minutes); returns the minute's count so far.</summary>
    Task<long> CountAsync(string accountId, long minute, CancellationToken ct);
}

/// <summary>The windows of one node, in memory: one entry per account, replaced when its minute passes.</summary>
public sealed class NodeRequestWindows : IRequestWindows
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public Task<long> CountAsync(string accountId, long minute, CancellationToken ct)
        => Task.FromResult(_windows.AddOrUpdate(accountId, _ => new Window(minute, 1),
            (_, w) => w.Minute == minute ? w with { Count = w.Count + 1 } : new Window(minute, 1)).Count);

    private sealed record Window(long Minute, long Count);
}
