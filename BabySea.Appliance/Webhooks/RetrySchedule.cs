namespace BabySea.Appliance.Webhooks;

/// <summary>
/// When a failed delivery is tried again. Quick attempts follow reference §7.4: delays of 0, 1, 4, 16 and 60 s before
/// attempts 1–5 (at 0/1/5/21/81 s). After the fifth failure the delivery is <c>failed</c> and the retrier takes it
/// over: <c>FirstRetryDelay</c> (5 min) doubling up to <c>MaxRetryDelay</c> (6 h), each with ±20 % jitter so many
/// deliveries to one recovering receiver do not arrive together, until <c>RetryWindow</c> (72 h) after the delivery
/// was created; a retry that would fall later makes it <c>exhausted</c> instead.
/// </summary>
public sealed class RetrySchedule(WebhookOptions options, Func<double>? random = null)
{
    /// <summary>Delay before attempt n (index n − 1) of the quick phase.</summary>
    public static readonly IReadOnlyList<TimeSpan> QuickDelays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(60)];

    private const double Jitter = 0.2;
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    public static int QuickAttempts => QuickDelays.Count;

    /// <summary>What a delivery becomes after its attempt number <paramref name="attempt"/> failed at <paramref name="now"/>.</summary>
    public (string Status, DateTimeOffset? NextAttemptAt) AfterFailure(int attempt, DateTimeOffset createdAt, DateTimeOffset now)
    {
        if (attempt < QuickAttempts) return (DeliveryStatus.Pending, now + QuickDelays[attempt]);
        var next = now + RetryDelay(attempt - QuickAttempts + 1);
        return next > createdAt + options.RetryWindow ? (DeliveryStatus.Exhausted, null) : (DeliveryStatus.Failed, next);
    }

    /// <summary>The delay before retry <paramref name="retry"/> (1-based) of the retrier phase, jitter included.</summary>
    public TimeSpan RetryDelay(int retry)
    {
        var doublings = Math.Min(retry - 1, 30);
        var baseDelay = Math.Min(options.FirstRetryDelay.TotalSeconds * Math.Pow(2, doublings), options.MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(baseDelay * (1 - Jitter + 2 * Jitter * _random()));
    }
}
