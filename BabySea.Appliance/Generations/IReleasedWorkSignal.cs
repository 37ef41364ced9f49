namespace BabySea.Appliance.Generations;

/// <summary>
/// Word between nodes sharing one database that a generation's lease was given back (a node stopping with runs in
/// flight), so an idle node takes it up at once instead of at its next look.
/// </summary>
public interface IReleasedWorkSignal
{
    Task NotifyAsync(CancellationToken ct);

    /// <summary>Completes when some node (this one included) gave a lease back since the last wait.</summary>
    Task WaitAsync(CancellationToken ct);
}

/// <summary>One node: what it gives back it takes up again itself at its next start or look, so there is nobody to tell.</summary>
public sealed class SingleNodeReleasedWorkSignal : IReleasedWorkSignal
{
    public Task NotifyAsync(CancellationToken ct) => Task.CompletedTask;

    public Task WaitAsync(CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);
}
