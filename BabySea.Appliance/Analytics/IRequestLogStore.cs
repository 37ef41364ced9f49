namespace BabySea.Appliance.Analytics;

public interface IRequestLogStore
{
    Task AppendAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct);
    IReadOnlyList<RequestLogEntry> Since(string accountId, DateTimeOffset since);
}
