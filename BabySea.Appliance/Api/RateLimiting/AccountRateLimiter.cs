using System.Collections.Concurrent;

namespace BabySea.Appliance.Api.RateLimiting;

/// <summary>
/// Requests per account per minute, shared by all of the account's keys: a fixed one-minute window, so
/// <c>X-RateLimit-Reset</c> is a plain clock minute and a client can plan around it.
/// </summary>
public sealed class AccountRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public sealed record Decision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds);

    public Decision Take(string accountId, int limit)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var minute = now / 60;
        var window = _windows.AddOrUpdate(accountId, _ => new Window(minute, 1),
            (_, w) => w.Minute == minute ? w with { Count = w.Count + 1 } : new Window(minute, 1));
        var reset = (minute + 1) * 60;
        var allowed = window.Count <= limit;
        return new Decision(allowed, limit, Math.Max(0, limit - window.Count), reset, allowed ? 0 : (int)Math.Max(1, reset - now));
    }

    private sealed record Window(long Minute, int Count);
}
