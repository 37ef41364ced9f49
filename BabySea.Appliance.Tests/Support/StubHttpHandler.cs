using System.Net;
using System.Text;

namespace BabySea.Appliance.Tests.Support;

/// <summary>Answers every request with one canned response and keeps what was sent, for adapter wire tests.</summary>
public sealed class StubHttpHandler(HttpStatusCode status, string body) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string? Body)> Sent { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Sent.Add((request, request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken)));
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
