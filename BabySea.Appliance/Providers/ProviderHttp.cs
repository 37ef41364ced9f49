using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BabySea.Appliance.Providers;

/// <summary>
/// The HTTP plumbing every adapter shares: send, read a capped body, turn transport faults into a
/// <see cref="ProviderFailure"/>. Adapters only build requests and map responses.
/// </summary>
public sealed class ProviderHttp(HttpClient client)
{
    private const int MaxJsonBytes = 4 * 1024 * 1024;
    private const int MaxFileBytes = 200 * 1024 * 1024;

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

    public Task<(Response? Response, ProviderFailure? Failure)> GetFileAsync(string url, Action<HttpRequestMessage> authorize, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        authorize(request);
        return SendAsync(request, MaxFileBytes, ct);
    }

    private async Task<(Response?, ProviderFailure?)> SendAsync(HttpRequestMessage request, int maxBytes, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (response.Content.Headers.ContentLength > maxBytes)
                    return (null, new ProviderFailure(FailureKind.OutputInvalid, $"Provider answered {response.Content.Headers.ContentLength} bytes, over the {maxBytes}-byte cap."));
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, ct)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                        return (null, new ProviderFailure(FailureKind.OutputInvalid, $"Provider answer exceeded the {maxBytes}-byte cap."));
                    buffer.Write(chunk, 0, read);
                }
                return (new Response(response.StatusCode, buffer.ToArray(), response.Headers, response.Content.Headers.ContentType?.MediaType), null);
            }
            catch (HttpRequestException ex)
            {
                return (null, new ProviderFailure(FailureKind.ServerError, $"Could not reach the provider: {ex.HttpRequestError}."));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // HttpClient's own timeout, not ours: the provider did not answer in time.
                return (null, new ProviderFailure(FailureKind.Timeout, "The provider did not answer before the HTTP timeout."));
            }
        }
    }
}
