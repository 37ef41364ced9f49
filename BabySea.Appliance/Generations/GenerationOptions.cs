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

    /// <value>
    /// How long a worker's claim on a generation lasts without renewal; the worker renews it every third of this. A
    /// generation whose lease ran out (its worker died) is taken up by another. Default 30 s.
    /// </value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The owner name of this appliance's leases (<c>worker-id</c> in the data folder); not a setting.</summary>
    internal string WorkerId { get; set; } = "worker-" + Guid.NewGuid().ToString("N");

    /// <summary>Reads and checks the <c>Generations</c> section; a mistake (misspelled key included) stops start-up naming the key.</summary>
    public static GenerationOptions From(IConfiguration config)
    {
        var options = new GenerationOptions();
        try
        {
            config.GetSection("Generations").Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Generations section: {ex.Message}", ex);
        }
        return options.Problem() is { } problem ? throw new InvalidOperationException(problem) : options;
    }

    /// <summary>The first configuration mistake, naming its key and allowed range, or null.</summary>
    public string? Problem()
    {
        if (QueueCapacity < 1) return $"Generations:QueueCapacity ({QueueCapacity}) must be at least 1.";
        if (MaxConcurrent < 1) return $"Generations:MaxConcurrent ({MaxConcurrent}) must be at least 1.";
        if (SweepInterval < TimeSpan.FromSeconds(1) || SweepInterval > TimeSpan.FromHours(1))
            return $"Generations:SweepInterval ({SweepInterval}) must be between 1 s and 1 h.";
        if (DrainTimeout < TimeSpan.Zero || DrainTimeout > TimeSpan.FromHours(1))
            return $"Generations:DrainTimeout ({DrainTimeout}) must be between 0 and 1 h.";
        if (LeaseDuration < TimeSpan.FromSeconds(3) || LeaseDuration > TimeSpan.FromMinutes(10))
            return $"Generations:LeaseDuration ({LeaseDuration}) must be between 3 s and 10 min.";
        return null;
    }
}
