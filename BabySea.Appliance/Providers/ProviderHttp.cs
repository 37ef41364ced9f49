using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Outbound;

namespace BabySea.Appliance.Providers;

/// <summary>
/// The HTTP plumbing every adapter shares: send, read a capped body, turn transport faults into a
/// <see cref="ProviderFailure"/>. Adapters only build requests and map responses. Every connection goes through
/// the <see cref="OutboundPolicy"/>: poll URLs and file links come from provider answers, input files from callers.
/// </summary>
public sealed class ProviderHttp(HttpClient client)
{
    /// <summary>
    /// The shared client of every adapter: connections pass the outbound policy, which also allows the operator's
    /// <paramref name="configuredBaseUrls"/> (a provider pointed at a staging host, say); redirects are followed by
    /// <see cref="GetFileAsync"/> alone, hop by hop.
    /// </summary>
    public static ProviderHttp Create(OutboundPolicy policy, IEnumerable<string> configuredBaseUrls)
    {
        foreach (var url in configuredBaseUrls) policy.AllowEndpoint(url);
        return new ProviderHttp(new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = policy.ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        }) { Timeout = Timeout.InfiniteTimeSpan });
    }

    private const int MaxJsonBytes = 4 * 1024 * 1024;
    private const int MaxFileBytes = 200 * 1024 * 1024;
    private const int MaxRedirects = 3;

    public sealed record Response(HttpStatusCode Status, byte[] Body, HttpResponseHeaders Headers, string? ContentType)
    {
        public int Code => (int)Status;
        public bool IsSuccess => Code is >= 200 and < 300;

        /// <summary>The body as JSON, or null when it is not JSON (a malformed answer is a provider fault, not ours).</summary>
        public JsonNode? Json()
        {
            try { return Body.Length == 0 ? null : JsonNode.Parse(Body); }
            catch (JsonException) { return null; }
        }

        public TimeSpan? RetryAfter()
        {
            if (Headers.RetryAfter?.Delta is { } delta) return delta;
            if (Headers.RetryAfter?.Date is { } date) return date - DateTimeOffset.UtcNow;
            return null;
        }

        public string Snippet() => Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 300));
    }

    public Task<(Response? Response, ProviderFailure? Failure)> SendJsonAsync(HttpMethod method, string url, JsonNode? body,
        Action<HttpRequestMessage> authorize, CancellationToken ct, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        authorize(request);
        return SendAsync(request, MaxJsonBytes, ct);
    }

    /// <summary>
    /// A call whose answer carries the media itself (synchronous providers: base64 JSON or raw image bytes), so it
    /// is read under the file cap rather than the JSON cap.
    /// </summary>
    public Task<(Response? Response, ProviderFailure? Failure)> SendForMediaAsync(HttpMethod method, string url, HttpContent content,
        Action<HttpRequestMessage> authorize, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        authorize(request);
        return SendAsync(request, MaxFileBytes, ct);
    }

    /// <summary>
    /// Downloads one output: inline bytes pass through; a URL is fetched with <paramref name="authorize"/> (none by
    /// default: provider file links carry their own signature, and a key never goes to a file host it is not for).
    /// </summary>
    public Task<FetchOutcome> DownloadAsync(ProviderOutput output, CancellationToken ct) => DownloadAsync(output, _ => { }, ct);

    public async Task<FetchOutcome> DownloadAsync(ProviderOutput output, Action<HttpRequestMessage> authorize, CancellationToken ct)
    {
        if (output.Url is null) return new FetchOutcome.Fetched(output.Inline ?? [], output.ContentType);
        var (response, failure) = await GetFileAsync(output.Url, authorize, ct);
        if (failure is not null) return new FetchOutcome.Failed(failure with { Kind = failure.Kind == FailureKind.Timeout ? FailureKind.Timeout : FailureKind.OutputInvalid });
        return response!.IsSuccess
            ? new FetchOutcome.Fetched(response.Body, response.ContentType)
            : new FetchOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, $"Downloading the output answered {response.Code}."));
    }

    /// <summary>
    /// Fetches a file at a URL a provider answered or a caller gave. Redirects are followed by hand, at most
    /// <see cref="MaxRedirects"/>, so that each hop is an http(s) URL and is connected to under the outbound policy;
    /// <paramref name="authorize"/> sees every hop and decides per host whether credentials go along.
    /// </summary>
    public async Task<(Response? Response, ProviderFailure? Failure)> GetFileAsync(string url, Action<HttpRequestMessage> authorize, CancellationToken ct)
    {
        for (var hop = 0; ; hop++)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                return (null, new ProviderFailure(FailureKind.OutputInvalid, "The file address is not an http(s) URL."));
            var request = new HttpRequestMessage(HttpMethod.Get, uri);
            authorize(request);
            var (response, failure) = await SendAsync(request, MaxFileBytes, ct);
            if (failure is not null || response!.Code is not (301 or 302 or 303 or 307 or 308)) return (response, failure);
            if (hop == MaxRedirects || response.Headers.Location is not { } next)
                return (null, new ProviderFailure(FailureKind.OutputInvalid, $"The file address redirected more than {MaxRedirects} times."));
            url = (next.IsAbsoluteUri ? next : new Uri(uri, next)).AbsoluteUri;
        }
    }

    /// <summary>
    /// Reads a body of at most <paramref name="maxBytes"/> into one array: sized by Content-Length when the answer
    /// gives it (one buffer, no copy), grown otherwise; null when the cap is passed.
    /// </summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream stream, long? length, int maxBytes, CancellationToken ct)
    {
        if (length is { } exact)
        {
            var body = new byte[exact];
            await stream.ReadExactlyAsync(body, ct);
            // A body longer than it announced is cut off here; one byte more tells.
            return await stream.ReadAsync(new byte[1], ct) == 0 ? body : null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private async Task<(Response?, ProviderFailure?)> SendAsync(HttpRequestMessage request, int maxBytes, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                var length = response.Content.Headers.ContentLength;
                if (length > maxBytes)
                    return (null, new ProviderFailure(FailureKind.OutputInvalid, $"Provider answered {length} bytes, over the {maxBytes}-byte cap."));
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                var body = await ReadCappedAsync(stream, length, maxBytes, ct);
                if (body is null) return (null, new ProviderFailure(FailureKind.OutputInvalid, $"Provider answer exceeded the {maxBytes}-byte cap."));
                return (new Response(response.StatusCode, body, response.Headers, response.Content.Headers.ContentType?.MediaType), null);
            }
            catch (HttpRequestException ex) when (ex.InnerException is OutboundRefusedException refused)
            {
                // The policy's own words: the target never answered, so there is nothing of it to echo.
                return (null, new ProviderFailure(FailureKind.OutputInvalid, $"Refused by the outbound address policy: {refused.Message}"));
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // A reset mid-body surfaces as an IOException (HttpIOException), not as HttpRequestException.
                return (null, new ProviderFailure(FailureKind.ServerError, ex is HttpRequestException h
                    ? $"Could not reach the provider: {h.HttpRequestError}." : "The provider's answer broke off before its end."));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // HttpClient's own timeout, not ours: the provider did not answer in time.
                return (null, new ProviderFailure(FailureKind.Timeout, "The provider did not answer before the HTTP timeout."));
            }
        }
    }
}
