namespace BabySea.Appliance.Api.RateLimiting;

/// <summary>
/// Requests per account per minute, shared by all of the account's keys: a fixed one-minute window, so
/// <c>X-RateLimit-Reset</c> is a plain clock minute and a client can plan around it. The counting is
/// <see cref="IRequestWindows"/>'s: in memory on one node, in the shared database when several nodes serve one account.
/// </summary>
public sealed class AccountRateLimiter(IRequestWindows windows, TimeProvider time)
{
    public sealed record Decision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds);

    public async Task<Decision> TakeAsync(string accountId, int limit, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var minute = now / 60;
        var count = await windows.CountAsync(accountId, minute, ct);
        var reset = (minute + 1) * 60;
        var allowed = count <= limit;
        return new Decision(allowed, limit, (int)Math.Max(0, limit - count), reset, allowed ? 0 : (int)Math.Max(1, reset - now));
    }
}
