namespace BabySea.Appliance.Routing;

/// <summary>Deadlines and pacing of provider attempts (<c>Routing</c> section).</summary>
public sealed class RoutingOptions
{
    /// <value>Longest wait for a provider to accept a job. Default 30 s.</value>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <value>Longest wait for an accepted image job to finish. Default 5 min.</value>
    public TimeSpan ImageResultDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <value>Longest wait for an accepted video job to finish. Default 15 min.</value>
    public TimeSpan VideoResultDeadline { get; set; } = TimeSpan.FromMinutes(15);

    /// <value>Longest time to download one output. Default 60 s.</value>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <value>First pause between polls; it doubles up to <see cref="MaxPollInterval"/>. Default 250 ms.</value>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <value>Longest pause between polls. Default 2 s.</value>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
