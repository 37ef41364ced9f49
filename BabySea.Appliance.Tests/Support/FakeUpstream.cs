using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BabySea.Appliance.Tests.Support;

/// <summary>
/// A real HTTP server on a loopback port that answers every request with <see cref="Handle"/> and records the paths
/// it was asked for: a provider that misbehaves in ways the emulators do not, or an internal service a caller aims at.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _paths = new();

    private FakeUpstream(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public Func<HttpContext, Task> Handle { get; set; } = http => http.Response.WriteAsync("ok");

    public IReadOnlyList<string> Paths => [.. _paths];

    public static async Task<FakeUpstream> StartAsync(Func<HttpContext, Task>? handle = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        if (handle is not null) upstream.Handle = handle;
        app.Run(http =>
        {
            upstream._paths.Enqueue(http.Request.Path.Value ?? "");
            return upstream.Handle(http);
        });
        await app.StartAsync();
        upstream.BaseUrl = app.Urls.First().TrimEnd('/');
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
