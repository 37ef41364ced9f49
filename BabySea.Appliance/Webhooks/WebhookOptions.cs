using Cronos;

namespace BabySea.Appliance.Webhooks;

/// <summary>Delivery, retry and target policy of webhooks (<c>Webhooks</c> section).</summary>
public sealed class WebhookOptions
{
    /// <value>
    /// Host names or IP addresses that may be private, loopback or link-local (on-prem and air-gapped receivers).
    /// A listed host name allows whatever it resolves to; a listed IP allows that address whatever name led to it.
    /// Default: none.
    /// </value>
    public string[] AllowedPrivateHosts { get; set; } = [];

    /// <value>Cron expression (UTC, 5 fields) of the retrier that re-sends failed deliveries. Default every minute.</value>
    public string RetrySchedule { get; set; } = "* * * * *";

    /// <value>
    /// How often the dispatcher looks for due quick attempts when no commit wakes it, and the retrier at the clock:
    /// the precision of both schedules. Default 1 s; 100 ms–1 min.
    /// </value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <value>Timeout of one delivery attempt, connect to response headers. Default 10 s; 1 s–1 min.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <value>First delay of the retrier after the quick attempts; it doubles up to <see cref="MaxRetryDelay"/>. Default 5 min.</value>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <value>Longest delay between two retrier attempts. Default 6 h.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <value>How long after its creation a delivery is retried before it is marked exhausted. Default 72 h.</value>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(72);

    /// <value>How long events for a disabled endpoint are held for its re-enabling. Default 72 h.</value>
    public TimeSpan HoldWindow { get; set; } = TimeSpan.FromHours(72);

    /// <value>Consecutive failed attempts (any deliveries) that disable an endpoint. Default 15; at least 1.</value>
    public int AutoDisableAfter { get; set; } = 15;

    /// <value>Endpoints sent to at once; each endpoint receives its deliveries one at a time, in order. Default 16.</value>
    public int MaxParallelEndpoints { get; set; } = 16;

    /// <summary>Reads and checks the <c>Webhooks</c> section; a mistake (misspelled key included) stops start-up naming the key.</summary>
    public static WebhookOptions From(IConfiguration config)
    {
        var options = new WebhookOptions();
        try
        {
            config.GetSection("Webhooks").Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Webhooks section: {ex.Message}", ex);
        }
        return options.Problem() is { } problem ? throw new InvalidOperationException(problem) : options;
    }

    /// <summary>The first configuration mistake, naming its key, or null.</summary>
    public string? Problem()
    {
        if (!CronExpression.TryParse(RetrySchedule, CronFormat.Standard, out _))
            return $"Webhooks:RetrySchedule '{RetrySchedule}' is not a 5-field cron expression.";
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromMinutes(1))
            return $"Webhooks:PollInterval ({PollInterval}) must be between 100 ms and 1 min.";
        if (AttemptTimeout < TimeSpan.FromSeconds(1) || AttemptTimeout > TimeSpan.FromMinutes(1))
            return $"Webhooks:AttemptTimeout ({AttemptTimeout}) must be between 1 s and 1 min.";
        if (FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
            return $"Webhooks:FirstRetryDelay ({FirstRetryDelay}) must be positive and not above Webhooks:MaxRetryDelay ({MaxRetryDelay}).";
        if (RetryWindow <= TimeSpan.Zero || HoldWindow <= TimeSpan.Zero)
            return "Webhooks:RetryWindow and Webhooks:HoldWindow must be positive.";
        if (AutoDisableAfter < 1) return $"Webhooks:AutoDisableAfter ({AutoDisableAfter}) must be at least 1.";
        if (MaxParallelEndpoints < 1) return $"Webhooks:MaxParallelEndpoints ({MaxParallelEndpoints}) must be at least 1.";
        return null;
    }
}
