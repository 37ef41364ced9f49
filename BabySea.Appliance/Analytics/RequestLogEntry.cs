namespace BabySea.Appliance.Analytics;

/// <summary>
/// One API request as the logs keep it: no body, no key, no raw IP (<see cref="IpHash"/> is the SHA-256 hex of the
/// client address, enough to tell callers apart).
/// </summary>
public sealed record RequestLogEntry(string RequestId, string? AccountId, string? KeyId, string Method, string Endpoint, int Status,
    string? BseCode, DateTimeOffset At, double DurationMs, bool Replay, string? IpHash = null, string? UserAgent = null);
