using BabySea.Appliance.Outbound;
using BabySea.Appliance.Providers.Emulator;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// The built-in emulators of the providers that run without a key, served on a listener of their own bound to a
/// free loopback port: never on the public listener, and not at all when no provider is emulated. Emulated adapters
/// learn its origin through <see cref="EmulatorAddress"/>, and the outbound policy allows exactly that endpoint.
/// The port is kept in the data folder and taken again at the next start, because emulated jobs are resumed by the
/// absolute URLs the emulator handed out; when it is taken by then, a new one is chosen and those jobs fail over.
/// </summary>
public sealed class EmulatorListener(EmulatorContext context, IEnumerable<IProviderEmulator> emulators, EmulatorAddress address,
    OutboundPolicy policy, ApplianceSettings settings, ILogger<EmulatorListener> log) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    private string PortFile => Path.Combine(settings.DataDir, "emulator-port");

    public async Task StartAsync(CancellationToken ct)
    {
        var port = File.Exists(PortFile) && int.TryParse(File.ReadAllText(PortFile).Trim(), out var p) && p is > 0 and < 65536 ? p : 0;
        try
        {
            _app = await StartOnAsync(port, ct);
        }
        catch (IOException) when (port != 0)
        {
            log.LogWarning("The emulators' port {Port} is taken; emulated jobs from before this start will fail over", port);
            _app = await StartOnAsync(0, ct);
        }
        var origin = _app.Urls.First().TrimEnd('/');
        File.WriteAllText(PortFile, new Uri(origin).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        address.Set(origin);
        policy.AllowEndpoint(origin);
    }

    private async Task<WebApplication> StartOnAsync(int port, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = EmulatorHost.MaxRequestBytes);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        EmulatorHost.Map(app, context, emulators);
        try
        {
            await app.StartAsync(ct);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_app is not null) await _app.StopAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
