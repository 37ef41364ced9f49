namespace BabySea.Appliance.Hosting;

/// <summary>
/// Keeps a scheduled job to one node at a time when several appliance processes share one database: an occurrence
/// another node is already running is skipped here (it runs again at the next one).
/// </summary>
public interface IJobLocks
{
    /// <summary>Runs <paramref name="run"/> unless another node holds <paramref name="job"/>; false when it was skipped.</summary>
    Task<bool> RunExclusiveAsync(string job, Func<CancellationToken, Task> run, CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="run"/> once no other node holds <paramref name="job"/>, waiting for one that does: for start-up
    /// work every node must see finished before it serves (the first-run bootstrap), not merely started elsewhere.
    /// </summary>
    Task RunAfterOthersAsync(string job, Func<CancellationToken, Task> run, CancellationToken ct);
}

/// <summary>
/// One process owns the data: the embedded engine's folder lock already keeps every other process out, and the
/// scheduler never overlaps a job with itself, so every occurrence runs.
/// </summary>
public sealed class SingleNodeJobLocks : IJobLocks
{
    public async Task<bool> RunExclusiveAsync(string job, Func<CancellationToken, Task> run, CancellationToken ct)
    {
        await run(ct);
        return true;
    }

    public Task RunAfterOthersAsync(string job, Func<CancellationToken, Task> run, CancellationToken ct) => run(ct);
}
