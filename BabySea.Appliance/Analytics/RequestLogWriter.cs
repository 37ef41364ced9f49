using System.Threading.Channels;
using BabySea.Appliance.Api;
using BabySea.Appliance.Api.Auth;

namespace BabySea.Appliance.Analytics;

/// <summary>
/// Captures every /v1 request into a channel and writes them in batches at least once a second (and on
/// shutdown), so request logging never puts a database write on the request path.
/// </summary>
public sealed class RequestLogWriter(IRequestLogStore store, TimeProvider time, ILogger<RequestLogWriter> log) : BackgroundService
{
    private const int MaxBatch = 1000;
    private readonly Channel<RequestLogEntry> _entries = Channel.CreateBounded<RequestLogEntry>(new BoundedChannelOptions(100_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public void Capture(HttpContext http, DateTimeOffset started)
    {
        var caller = Caller.Of(http);
        var endpoint = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        _entries.Writer.TryWrite(new RequestLogEntry(RequestIds.Get(http), caller?.Account.Id, caller?.Key.Id, http.Request.Method, endpoint,
            http.Response.StatusCode, ApiError.AnsweredWith(http) is { } code ? BseCatalog.Format(code) : null, started,
            (time.GetUtcNow() - started).TotalMilliseconds, RequestLogMarks.IsReplay(http), IpHash(http.Connection.RemoteIpAddress),
            http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, MaxUserAgent)] : null));
    }

    private const int MaxUserAgent = 512;

    private static string? IpHash(System.Net.IPAddress? ip)
        => ip is null ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ip.ToString())));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<RequestLogEntry>(MaxBatch);
        while (true)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                await FlushAsync(batch);
                return;
            }
            await FlushAsync(batch);
        }
    }

    /// <summary>Writes everything captured so far (also used by tests and on shutdown).</summary>
    public async Task FlushAsync(List<RequestLogEntry>? batch = null)
    {
        batch ??= new List<RequestLogEntry>(MaxBatch);
        while (_entries.Reader.TryRead(out var entry))
        {
            batch.Add(entry);
            if (batch.Count == MaxBatch) await WriteAsync(batch);
        }
        if (batch.Count > 0) await WriteAsync(batch);
    }

    private async Task WriteAsync(List<RequestLogEntry> batch)
    {
        try
        {
            await store.AppendAsync([.. batch], CancellationToken.None);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Could not write {Count} request log entries", batch.Count);
        }
        batch.Clear();
    }
}
