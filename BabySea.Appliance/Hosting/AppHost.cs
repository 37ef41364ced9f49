using BabySea.Appliance.Accounts;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api;
using BabySea.Appliance.Api.Admin;
using BabySea.Appliance.Api.Auth;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Api.RateLimiting;
using BabySea.Appliance.Api.V1;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Dashboard;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Observability;
using BabySea.Appliance.Outbound;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Storage;
using BabySea.Appliance.Webhooks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serilog;
using Serilog.Events;

namespace BabySea.Appliance.Hosting;

/// <summary>The composition root: configuration, logging, every part, and the HTTP pipeline.</summary>
public static class AppHost
{
    public const string DefaultUrls = "http://127.0.0.1:8787";

    /// <param name="configureServices">Tests only: replaces services after the appliance's own (a fake clock, say).</param>
    public static WebApplication Build(string[] args, TextWriter? console = null, Action<IServiceCollection>? configureServices = null)
    {
        console ??= Console.Out;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // config/appsettings.json sits next to the binary; environment variables and arguments still win.
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json"), optional: true)
            .AddEnvironmentVariables().AddCommandLine(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrls);

        var config = builder.Configuration;
        var settings = ApplianceSettings.From(config);
        // Checked before anything is opened, so a mistyped or out-of-range setting stops start-up naming it.
        var routing = RoutingOptions.From(config);
        var generations = GenerationOptions.From(config);
        var emulator = EmulatorOptions.From(config);
        // Opened before the log file, so a second process on the same folder stops without touching it.
        builder.Services.AddStorage(settings.DataDir, settings.Storage, out var secrets);
        builder.Services.AddSerilog(CreateLogger(config, settings.DataDir), dispose: true);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton<PublicOrigin>();
        services.AddSingleton<OutboxSignal>();
        services.AddApiDocument();
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<ApiMetrics>();
        services.AddSingleton<LedgerMetrics>();

        services.AddSingleton(PlanCatalog.Load(DataFile(config, "Billing:PlansFile", "plans.json")));
        services.AddSingleton(ModelCatalog.Load(DataFile(config, "Routing:ModelsFile", "models.json")));
        services.AddSingleton(ProviderDirectory.Load(ConfigFile("providers.json")));
        services.AddSingleton<BillingPeriods>();
        services.AddSingleton<LedgerVerifier>();
        services.AddSingleton<CredentialCache>();
        services.AddSingleton<AccountAdmin>();
        services.AddSingleton(new AdminToken(FirstRun.AdminToken(config, secrets, console)));
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<AuthFailureLimiter>();
        services.AddSingleton<AccountRateLimiter>();
        var urlSigningKey = FirstRun.UrlSigningKey(secrets);
        services.AddSingleton(sp => new OutputUrls(urlSigningKey, settings.OutputUrlLifetime, settings.PublicBaseUrl, sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(routing));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(generations));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(emulator));
        // A clean stop waits for the generation drain, then for the writer's last commits and the server's open requests.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = generations.DrainTimeout + TimeSpan.FromSeconds(15));

        services.AddOutbound(config);
        services.AddSingleton<EmulatorAddress>();
        services.AddSingleton<EmulatorFaults>();
        services.AddSingleton<EmulatorFiles>();
        services.AddSingleton<EmulatorContext>();
        emulator.TokenKey = FirstRun.EmulatorTokenKey(secrets);
        generations.WorkerId = FirstRun.WorkerId(settings.DataDir);
        var baseUrls = new List<string>();
        services.AddSingleton(sp => ProviderHttp.Create(sp.GetRequiredService<OutboundPolicy>(), baseUrls));
        // Production deployments that must never answer with emulated media set Providers:EmulateMissingKeys=false:
        // a provider without a key is then simply not served (BSE4011), like one switched off with Providers:{id}:Enabled=false.
        var emulateMissingKeys = !string.Equals(config["Providers:EmulateMissingKeys"], "false", StringComparison.OrdinalIgnoreCase);
        var anyEmulated = false;
        foreach (var module in ProviderModules.All)
        {
            var providerSettings = ProviderSettings.From(config, module);
            if (!providerSettings.Enabled || (providerSettings.Emulated && !emulateMissingKeys)) continue;
            services.AddSingleton(sp => module.Adapter(providerSettings, sp.GetRequiredService<ProviderHttp>(), sp.GetRequiredService<EmulatorAddress>()));
            if (providerSettings.BaseUrl is { } baseUrl) baseUrls.Add(baseUrl);
            else if (providerSettings.Emulated)
            {
                services.AddSingleton(sp => module.Emulator(sp.GetRequiredService<EmulatorContext>()));
                anyEmulated = true;
            }
        }
        // Emulators listen on a loopback port of their own, and only when some provider is emulated.
        if (anyEmulated) services.AddHostedService<EmulatorListener>();
        services.AddSingleton<ProviderRegistry>();
        services.AddSingleton<RoutingStats>();
        services.AddSingleton<ProviderCircuits>();
        services.AddSingleton<FastestRanking>();
        services.AddSingleton<ProviderOrder>();
        services.AddSingleton<ProviderAttempt>();
        services.AddSingleton<RoutingMetrics>();
        services.AddSingleton<ProviderChain>();

        services.AddSingleton(new GenerationQueue(generations.QueueCapacity));
        services.AddSingleton<RunningGenerations>();
        services.AddSingleton<GenerationMetrics>();
        services.AddSingleton<GenerationRunner>();
        services.AddSingleton<GenerationIntake>();
        services.AddSingleton<GenerationControl>();
        services.AddHostedService<GenerationWorker>();
        services.AddSingleton<GenerationSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<GenerationSweeper>());

        services.AddSingleton<RequestLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogWriter>());
        services.AddSingleton<UsageReport>();
        services.AddSingleton<AnalyticsReport>();
        services.AddSingleton<HistoryViews>();
        services.AddSingleton<DashboardAssets>();
        services.AddWebhooks(config);
        configureServices?.Invoke(services);

        services.AddSingleton<ICronJob, IdempotencySweep>();
        services.AddSingleton<ICronJob, PlanRenewals>();
        services.AddSingleton<LedgerCheck>();
        services.AddSingleton<ICronJob>(sp => sp.GetRequiredService<LedgerCheck>());
        services.AddSingleton<RetentionSweep>();
        services.AddSingleton<ICronJob>(sp => sp.GetRequiredService<RetentionSweep>());
        services.AddHostedService<CronScheduler>();

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<PublicOrigin>().Listening(
            app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [],
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BabySea.Appliance")));

        app.UseApiPipeline();
        app.UseTrustedProxies(config);
        app.LimitBodies();
        app.UseRequestLog();
        app.MapAccountApi();
        app.MapGenerationsApi();
        app.MapLibraryApi();
        app.MapHealthApi();
        app.MapHistoryApi();
        app.MapAdminApi();
        app.MapWebhooksAdminApi();
        app.MapOperatorViewsAdminApi();
        app.MapAccountSettingsApi();
        app.MapWebhooksApi();
        app.MapDashboard();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapProbes();
        app.MapMetrics();
        app.MapApiDocument();
        app.MapRouteNotFound();
        return app;
    }

    /// <summary>
    /// Runs first-start bootstrap and the ledger check of what changed since the last one, then serves until stopped. Nodes
    /// starting together on one database take turns: one bootstraps, and a check another node is running is not repeated.
    /// </summary>
    public static async Task RunAsync(WebApplication app, TextWriter console)
    {
        var locks = app.Services.GetRequiredService<IJobLocks>();
        // Every node waits for the bootstrap to be finished, wherever it runs: one that skipped it would serve before the first account exists.
        await locks.RunAfterOthersAsync("first-run", ct => FirstRun.EnsureDefaultAccountAsync(app.Configuration, app.Services.GetRequiredService<AccountAdmin>(),
            app.Services.GetRequiredService<IAccountStore>(), app.Services.GetRequiredService<PlanCatalog>(), console, ct), CancellationToken.None);
        var check = app.Services.GetRequiredService<LedgerCheck>();
        await locks.RunExclusiveAsync(check.Name, check.RunAsync, CancellationToken.None);
        await app.RunAsync();
    }

    public static string ConfigFile(string name) => Path.Combine(AppContext.BaseDirectory, "config", name);

    /// <summary>An operator data file: the configured path, or the shipped one in <c>config/</c>.</summary>
    public static string DataFile(IConfiguration config, string key, string name) => config[key] is { Length: > 0 } path ? Path.GetFullPath(path) : ConfigFile(name);

    private static void UseRequestLog(this WebApplication app)
    {
        var writer = app.Services.GetRequiredService<RequestLogWriter>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        app.Use(async (http, next) =>
        {
            var started = time.GetUtcNow();
            await next(http);
            if (http.Request.Path.StartsWithSegments("/v1")) writer.Capture(http, started);
        });
    }

    private static Serilog.ILogger CreateLogger(IConfiguration config, string dataDir)
    {
        var level = Enum.TryParse<LogEventLevel>(config["Logging:Level"], ignoreCase: true, out var l) ? l : LogEventLevel.Information;
        var json = LogOutput.IsJson(config);
        return new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .WriteTo.Console(json)
            .WriteTo.File(LogOutput.FileFormatter(json), Path.Combine(dataDir, "logs", "appliance-.log"), rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14, fileSizeLimitBytes: 50 * 1024 * 1024, rollOnFileSizeLimit: true)
            .CreateLogger();
    }
}
