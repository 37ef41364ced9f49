using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Routing;

/// <summary>Deadlines and pacing of provider attempts (<c>Routing</c> section).</summary>
public sealed class RoutingOptions
{
    /// <value>Longest wait for a provider to accept a job (synchronous providers: to answer with the media). Default 30 s.</value>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <value>Longest wait for an accepted image job to finish. Default 5 min.</value>
    public TimeSpan ImageResultDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <value>Longest wait for an accepted video job to finish. Default 15 min.</value>
    public TimeSpan VideoResultDeadline { get; set; } = TimeSpan.FromMinutes(15);

    /// <value>Longest time to download one output. Default 60 s.</value>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <value>Budget of a whole image generation, all attempts included. Default 10 min.</value>
    public TimeSpan ImageGenerationDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <value>Budget of a whole video generation, all attempts included. Default 45 min.</value>
    public TimeSpan VideoGenerationDeadline { get; set; } = TimeSpan.FromMinutes(45);

    /// <value>First pause between polls; it doubles up to <see cref="MaxPollInterval"/>. Default 250 ms.</value>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <value>Longest pause between polls. Default 2 s.</value>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <value>Share of <c>fastest</c> generations that try a rarely measured provider first, so its numbers stay fresh. Default 0.1; 0–1.</value>
    public double ExplorationRate { get; set; } = 0.1;

    /// <value>Recent attempts per model and provider that <c>fastest</c> ranks on. Default 50.</value>
    public int RankingWindow { get; set; } = 50;

    /// <value>Share of failed attempts that opens a provider's circuit. Default 0.5; above 0, at most 1.</value>
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <value>Attempts within the sampling window before the ratio counts. Default 5; at least 2.</value>
    public int CircuitMinimumThroughput { get; set; } = 5;

    /// <value>Window the failure ratio is measured over. Default 30 s.</value>
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <value>How long an open circuit skips its provider. Default 15 s.</value>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <value>
    /// The longest a provider's <c>Retry-After</c> holds new work back from it (and delays a throttled status read), so a
    /// broken or hostile header cannot shut a provider out for a day. 0 ignores <c>Retry-After</c>. Default 5 min.
    /// </value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <value>Another catalog file than the shipped <c>config/models.json</c> (read by the composition root).</value>
    public string? ModelsFile { get; set; }

    /// <value>Per-provider overrides of the attempt deadlines, e.g. <c>Routing:Providers:runway:VideoResultDeadline</c>.</value>
    public Dictionary<string, ProviderDeadlines> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The deadlines of one attempt on <paramref name="provider"/> for <paramref name="type"/>.</summary>
    public AttemptDeadlines For(string provider, MediaType type)
    {
        var o = Providers.GetValueOrDefault(provider);
        var result = type == MediaType.Video ? o?.VideoResultDeadline ?? VideoResultDeadline : o?.ImageResultDeadline ?? ImageResultDeadline;
        return new AttemptDeadlines(o?.SubmitTimeout ?? SubmitTimeout, result, o?.DownloadTimeout ?? DownloadTimeout);
    }

    public TimeSpan GenerationDeadline(MediaType type) => type == MediaType.Video ? VideoGenerationDeadline : ImageGenerationDeadline;

    /// <summary>Reads and checks the <c>Routing</c> section; a mistake (misspelled key included) stops start-up naming the key.</summary>
    public static RoutingOptions From(IConfiguration config)
    {
        var options = new RoutingOptions();
        try
        {
            config.GetSection("Routing").Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Routing section: {ex.Message}", ex);
        }
        return options.Problem() is { } problem ? throw new InvalidOperationException(problem) : options;
    }

    /// <summary>A provider's <c>Retry-After</c> as far as it is honoured.</summary>
    public TimeSpan CapRetryAfter(TimeSpan asked) => asked < MaxRetryAfter ? asked : MaxRetryAfter;

    /// <summary>The first configuration mistake, naming its key and allowed range, or null.</summary>
    public string? Problem()
    {
        foreach (var (name, value) in new[]
        {
            ("SubmitTimeout", SubmitTimeout), ("ImageResultDeadline", ImageResultDeadline), ("VideoResultDeadline", VideoResultDeadline),
            ("DownloadTimeout", DownloadTimeout), ("ImageGenerationDeadline", ImageGenerationDeadline), ("VideoGenerationDeadline", VideoGenerationDeadline),
        })
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1)) return $"Routing:{name} ({value}) must be above 0 and at most 1 day.";
        if (MinPollInterval < TimeSpan.FromMilliseconds(10) || MaxPollInterval < MinPollInterval || MaxPollInterval > TimeSpan.FromMinutes(5))
            return $"Routing:MinPollInterval ({MinPollInterval}) must be at least 10 ms and not above Routing:MaxPollInterval ({MaxPollInterval}), at most 5 min.";
        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromHours(1))
            return $"Routing:MaxRetryAfter ({MaxRetryAfter}) must be between 0 and 1 h.";
        if (ExplorationRate is < 0 or > 1) return $"Routing:ExplorationRate ({ExplorationRate}) must be between 0 and 1.";
        if (RankingWindow < 1) return $"Routing:RankingWindow ({RankingWindow}) must be at least 1.";
        if (CircuitFailureRatio is <= 0 or > 1) return $"Routing:CircuitFailureRatio ({CircuitFailureRatio}) must be above 0 and at most 1.";
        if (CircuitMinimumThroughput < 2) return $"Routing:CircuitMinimumThroughput ({CircuitMinimumThroughput}) must be at least 2.";
        // Polly's own floors: shorter windows are refused when the breaker is built, on the first attempt, not at start.
        if (CircuitSamplingDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
            return $"Routing:CircuitSamplingDuration ({CircuitSamplingDuration}) and Routing:CircuitBreakDuration ({CircuitBreakDuration}) must be at least 500 ms.";
        foreach (var (provider, o) in Providers)
            foreach (var (name, value) in new[] { ("SubmitTimeout", o.SubmitTimeout), ("ImageResultDeadline", o.ImageResultDeadline),
                ("VideoResultDeadline", o.VideoResultDeadline), ("DownloadTimeout", o.DownloadTimeout) })
                if (value is { } v && (v <= TimeSpan.Zero || v > TimeSpan.FromDays(1)))
                    return $"Routing:Providers:{provider}:{name} ({v}) must be above 0 and at most 1 day.";
        return null;
    }
}

/// <summary>Optional per-provider overrides; an unset value falls back to the <c>Routing</c> default.</summary>
public sealed class ProviderDeadlines
{
    public TimeSpan? SubmitTimeout { get; set; }
    public TimeSpan? ImageResultDeadline { get; set; }
    public TimeSpan? VideoResultDeadline { get; set; }
    public TimeSpan? DownloadTimeout { get; set; }
}

public sealed record AttemptDeadlines(TimeSpan Submit, TimeSpan Result, TimeSpan Download);
