using System.Net.Http.Headers;
using BabySea.Appliance.Outbound;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Webhooks;

/// <summary>
/// Sends one attempt over an HTTP client of its own: no redirects, no proxy, no cookies, a connect step that enforces
/// <see cref="OutboundPolicy"/> on the address actually connected to, and <c>Webhooks:AttemptTimeout</c> (10 s)
/// from connect to response headers, on the injected clock.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;

    public WebhookSender(OutboundPolicy policy, IOptions<WebhookOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = policy.ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        }) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("BabySea-Appliance-Webhooks", "1.0"));
    }

    /// <summary>Sends <paramref name="message"/>; a cancellation of <paramref name="ct"/> (shutdown) is thrown, not reported.</summary>
    public async Task<SendResult> SendAsync(string url, WebhookMessage message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(message.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in message.Headers) request.Headers.TryAddWithoutValidation(name, value);

        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var started = _time.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return new SendResult((int)response.StatusCode, null, Elapsed(started));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new SendResult(null, $"No response within {_options.AttemptTimeout.TotalSeconds:0.#} s.", Elapsed(started));
        }
        catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
        {
            var refused = ex.InnerException as OutboundRefusedException;
            return new SendResult(null, refused is not null ? $"Refused: {refused.Message}" : ex.Message, Elapsed(started));
        }
    }

    private double Elapsed(long started) => Math.Round(_time.GetElapsedTime(started).TotalMilliseconds, 1);

    public void Dispose() => _http.Dispose();
}
