namespace BabySea.Appliance.Analytics;

public interface IRequestLogStore
{
    /// <summary>Writes a batch of entries and the rollups they count, in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct);

    /// <summary>An account's entries newest first, after <paramref name="cursor"/> (the last request id of the previous page).</summary>
    IReadOnlyList<RequestLogEntry> Page(string accountId, RequestLogFilter filter, string? cursor, int limit);
}

/// <summary>Optional filters of a request-log page; <see cref="Text"/> matches part of the request id or the endpoint.</summary>
public sealed record RequestLogFilter(int? Status = null, string? Method = null, string? Endpoint = null, string? KeyId = null, string? BseCode = null,
    string? Text = null);
