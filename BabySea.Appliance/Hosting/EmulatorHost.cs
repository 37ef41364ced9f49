using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Emulator;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// The provider emulators alone, as their own process (<c>babysea-appliance emulate --port 9000</c>), for staging
/// setups where appliances point <c>Providers:{id}:BaseUrl</c> at a shared fake of every provider. Its job tokens are
/// signed with a key made at start, so they do not outlive the process.
/// </summary>
public static class EmulatorHost
{
    /// <summary>The largest request an emulator reads: provider requests are small JSON (or a placeholder image).</summary>
    public const long MaxRequestBytes = 1024 * 1024;

    public static WebApplication Build(string[] args)
    {
        var port = args.SkipWhile(a => a != "--port").Skip(1).FirstOrDefault();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json"), optional: true)
            .AddEnvironmentVariables().AddCommandLine(args);
        if (port is not null) builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        else if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:8788");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBytes);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(EmulatorOptions.From(builder.Configuration)));
        builder.Services.AddSingleton<EmulatorFaults>();
        builder.Services.AddSingleton<EmulatorFiles>();
        builder.Services.AddSingleton<EmulatorContext>();

        var app = builder.Build();
        var context = app.Services.GetRequiredService<EmulatorContext>();
        Map(app, context, ProviderModules.All.Select(m => m.Emulator(context)));
        return app;
    }

    /// <summary>Maps <paramref name="emulators"/>, the shared output files and a health check onto <paramref name="app"/>.</summary>
    public static void Map(WebApplication app, EmulatorContext context, IEnumerable<IProviderEmulator> emulators)
    {
        foreach (var emulator in emulators) emulator.Map(app);
        context.Files.Map(app);
        app.MapGet("/healthz", () => Results.Text("ok"));
    }
}
