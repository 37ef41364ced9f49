using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>One request a receiver got: its path, raw body, headers, and the status it was answered with.</summary>
public sealed record ReceivedWebhook(int Index, string Path, byte[] Body, IReadOnlyDictionary<string, string> Headers, int Status)
{
    public string Text => Encoding.UTF8.GetString(Body);
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : throw new Xunit.Sdk.XunitException($"no header {name}");
    public string DeliveryId => Json.GetProperty("webhook_delivery_id").GetString()!;
    public string Event => Json.GetProperty("webhook_event").GetString()!;
    public JsonElement Data => Json.GetProperty("webhook_data");
}

/// <summary>
/// A real HTTP receiver on a loopback port (Kestrel on port 0) that records every request and answers with the
/// status <see cref="Respond"/> chooses; a negative status holds the request open until the receiver is disposed.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Chooses the answer to a request (its <see cref="ReceivedWebhook.Status"/> is 0 when asked).</summary>
    public Func<ReceivedWebhook, int> Respond { get; set; } = _ => 200;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received.OrderBy(r => r.Index)];

    public IReadOnlyList<ReceivedWebhook> At(string path) => [.. Received.Where(r => r.Path == path)];

    public string Url(string path = "/hook") => BaseUrl + path;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>Waits (real time, bounded) until the requests received satisfy <paramref name="until"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> until, string what)
    {
        await Eventually.TrueAsync(() => until(Received), what);
        return Received;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedWebhook(Interlocked.Increment(ref _count) - 1, http.Request.Path.Value ?? "", body.ToArray(), headers, 0);
        var status = Respond(request);
        _received.Enqueue(request with { Status = status });
        if (status < 0)
        {
            await _release.Task;
            status = 200;
        }
        http.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
