using System.Collections.Concurrent;

namespace BabySea.Appliance.Generations;

/// <summary>The generations a worker is running, each with the token that stops it when its owner cancels.</summary>
public sealed class RunningGenerations
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    public CancellationTokenSource? Start(string generationId, CancellationToken stopping)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (_running.TryAdd(generationId, cts)) return cts;
        cts.Dispose();
        return null;
    }

    public void Finish(string generationId)
    {
        if (_running.TryRemove(generationId, out var cts)) cts.Dispose();
    }

    /// <summary>Stops the worker's run; true when one was running.</summary>
    public bool Stop(string generationId)
    {
        if (!_running.TryGetValue(generationId, out var cts)) return false;
        try { cts.Cancel(); }
        catch (ObjectDisposedException) { return false; }
        return true;
    }

    public bool IsRunning(string generationId) => _running.ContainsKey(generationId);

    public IReadOnlyCollection<string> Ids => [.. _running.Keys];
}
