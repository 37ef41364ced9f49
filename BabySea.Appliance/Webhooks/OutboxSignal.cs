namespace BabySea.Appliance.Webhooks;

/// <summary>
/// Wakes the webhook dispatcher right after a commit that staged deliveries, so they go out promptly. A wake-up can name
/// the endpoints it staged for: the dispatcher then skips its look when each of them is being sent to already, since
/// that endpoint's run wakes it (unnamed) when it ends.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Lock _lock = new();
    private HashSet<string> _endpoints = new(StringComparer.Ordinal);
    private bool _all;

    /// <summary>Something may be due for any endpoint.</summary>
    public void Notify()
    {
        lock (_lock) _all = true;
        Release();
    }

    /// <summary>Deliveries were staged for <paramref name="endpointIds"/>.</summary>
    public void Notify(IEnumerable<string> endpointIds)
    {
        lock (_lock) _endpoints.UnionWith(endpointIds);
        Release();
    }

    /// <summary>
    /// What the wake-ups since the last call named: null when one named no endpoint (look at everything), else the
    /// endpoints named. Read after a wait completes, so a wake-up that comes later is in the next call.
    /// </summary>
    public IReadOnlySet<string>? Take()
    {
        lock (_lock)
        {
            var named = _all ? null : _endpoints;
            _all = false;
            _endpoints = new HashSet<string>(StringComparer.Ordinal);
            return named;
        }
    }

    private void Release()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Waits for a notification or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    /// <summary>Waits for a notification.</summary>
    public Task WaitAsync(CancellationToken ct) => _signal.WaitAsync(ct);
}
