namespace BabySea.Appliance.Generations;

/// <summary>Queue and worker sizing (<c>Generations</c> section).</summary>
public sealed class GenerationOptions
{
    /// <value>Generations waiting for a worker before new ones get BSE5003. Default 10,000.</value>
    public int QueueCapacity { get; set; } = 10_000;

    /// <value>Generations run at once. Waiting on a provider holds no thread, so this can be large. Default 5,000.</value>
    public int MaxConcurrent { get; set; } = 5_000;

    /// <value>How often overdue generations are swept. Default 1 min.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <value>
    /// On stop, how long runs in flight may go on finishing before they are interrupted; an interrupted run keeps its
    /// provider job on record and resumes at the next start. No new run starts once stopping. Default 15 s.
    /// </value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
