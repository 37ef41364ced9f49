using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>One webhook request as the receiver saw it, and whether it acknowledged it (answered 2xx).</summary>
public sealed record WebhookSeen(string DeliveryId, string Event, string? GenerationId, bool Acknowledged);

/// <summary>
/// A webhook receiver that misbehaves like a real one on a bad day: some requests answer 500, some answer late.
/// It outlives the appliance it listens to, so deliveries in flight at a <c>kill -9</c> and those re-sent after the
/// restart all land here. Only a delivery's first two attempts may fail: the appliance's quick retries come after
/// 1 s and 4 s, while a third failure would wait 16 s and a fifth five minutes, longer than a trial should last.
/// </summary>
public sealed class FlakyWebhookReceiver : IAsyncDisposable
{
    private const int FlakyAttempts = 2;

    private readonly WebApplication _app;
    private readonly Random _random;
    private readonly ConcurrentQueue<WebhookSeen> _seen = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly double _failureRate;
    private readonly double _slowRate;

    private FlakyWebhookReceiver(WebApplication app, int seed, double failureRate, double slowRate)
    {
        _app = app;
        _random = new Random(seed);
        _failureRate = failureRate;
        _slowRate = slowRate;
    }

    public string Url { get; private set; } = "";

    public IReadOnlyList<WebhookSeen> Seen => [.. _seen];

    public static async Task<FlakyWebhookReceiver> StartAsync(int seed, double failureRate, double slowRate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new FlakyWebhookReceiver(app, seed, failureRate, slowRate);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/hooks";
        return receiver;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = await JsonDocument.ParseAsync(http.Request.Body);
        var root = body.RootElement;
        var deliveryId = root.GetProperty("webhook_delivery_id").GetString()!;
        var attempt = _attempts.AddOrUpdate(deliveryId, 1, (_, n) => n + 1);
        double failDraw, slowDraw;
        int slowMs;
        lock (_random) (failDraw, slowDraw, slowMs) = (_random.NextDouble(), _random.NextDouble(), _random.Next(100, 800));

        var fails = attempt <= FlakyAttempts && failDraw < _failureRate;
        // Slow but within the appliance's 10 s attempt timeout: what matters is a kill landing while it waits. An
        // endpoint gets its deliveries one at a time, so every slow answer delays all the others.
        if (slowDraw < _slowRate) await Task.Delay(slowMs);
        var data = root.GetProperty("webhook_data");
        _seen.Enqueue(new WebhookSeen(deliveryId, root.GetProperty("webhook_event").GetString()!,
            data.TryGetProperty("generation_id", out var id) ? id.GetString() : null, !fails));
        http.Response.StatusCode = fails ? 500 : 200;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
