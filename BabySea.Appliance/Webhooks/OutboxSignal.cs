namespace BabySea.Appliance.Webhooks;

/// <summary>Wakes the webhook dispatcher right after a commit that staged deliveries, so they go out promptly.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
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
