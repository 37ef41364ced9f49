namespace BabySea.Appliance.Analytics;

public interface IRequestLogStore
{
    /// <summary>Writes a batch of entries and the rollups they count, in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct);

    /// <summary>
    /// An account's entries newest first, after <paramref name="cursor"/> (the last request id of the previous page), that
    /// match <paramref name="filter"/>: up to <paramref name="limit"/> of them, walking at most <paramref name="walkLimit"/> rows.
    /// </summary>
    Task<RequestLogWalk> PageAsync(string accountId, RequestLogFilter filter, string? cursor, int limit, int walkLimit, CancellationToken ct);
}

/// <summary>The entries a walk found, and where it stopped when it ran out of rows to walk before finding enough (else null).</summary>
public sealed record RequestLogWalk(IReadOnlyList<RequestLogEntry> Matches, string? StoppedAt);

/// <summary>Optional filters of a request-log page; <see cref="Text"/> matches part of the request id or the endpoint.</summary>
public sealed record RequestLogFilter(int? Status = null, string? Method = null, string? Endpoint = null, string? KeyId = null, string? BseCode = null,
    string? Text = null)
{
    public bool IsEmpty => this == new RequestLogFilter();

    public bool Matches(RequestLogEntry e)
        => (Status is null || e.Status == Status) && (Method is null || e.Method == Method) && (Endpoint is null || e.Endpoint == Endpoint)
            && (KeyId is null || e.KeyId == KeyId) && (BseCode is null || e.BseCode == BseCode)
            && (Text is null || e.RequestId.Contains(Text, StringComparison.OrdinalIgnoreCase) || e.Endpoint.Contains(Text, StringComparison.OrdinalIgnoreCase));
}
