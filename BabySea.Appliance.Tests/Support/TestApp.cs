using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BabySea.Appliance.Tests.Support;

/// <summary>
/// The real appliance on Kestrel, on a loopback port, with its own data folder, the bootstrap key and admin
/// token fixed, and every provider emulated. Disposing stops it and removes the folder.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string ApiKey = "bye_test000000000000000000000000000000000000000";
    public const string AdminTokenValue = "test-admin-token-0123456789";

    private readonly bool _ownsDataDir;

    private TestApp(WebApplication app, string dataDir, string baseUrl, bool ownsDataDir, StringWriter console)
    {
        App = app;
        DataDir = dataDir;
        BaseUrl = baseUrl;
        _ownsDataDir = ownsDataDir;
        Console = console;
        Client = NewClient(ApiKey);
        Admin = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminTokenValue);
    }

    public WebApplication App { get; }
    public string DataDir { get; }
    public string BaseUrl { get; }
    public HttpClient Client { get; }
    public HttpClient Admin { get; }
    public StringWriter Console { get; }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Starts the appliance; the bootstrap account is on Enterprise (room for polling tests).</summary>
    public static Task<TestApp> StartAsync(string? dataDir = null, int port = 0, params string[] settings)
        => StartOnPlanAsync("enterprise", dataDir, port, null, settings);

    /// <param name="services">Replaces services after the appliance's own, e.g. a <c>FakeTimeProvider</c> as <c>TimeProvider</c>.</param>
    public static Task<TestApp> StartAsync(string? dataDir, int port, Action<IServiceCollection>? services, params string[] settings)
        => StartOnPlanAsync("enterprise", dataDir, port, services, settings);

    public static Task<TestApp> StartOnPlanAsync(string plan, string? dataDir = null, int port = 0, params string[] settings)
        => StartOnPlanAsync(plan, dataDir, port, null, settings);

    /// <summary>Starts the appliance with the bootstrap account on <paramref name="plan"/>.</summary>
    public static async Task<TestApp> StartOnPlanAsync(string plan, string? dataDir, int port, Action<IServiceCollection>? services, params string[] settings)
    {
        var owns = dataDir is null;
        dataDir ??= NewDataDir();
        var args = new List<string>
        {
            $"--urls=http://127.0.0.1:{port}",
            $"--BABYSEA_DATA_DIR={dataDir}",
            $"--BABYSEA_ADMIN_TOKEN={AdminTokenValue}",
            $"--BABYSEA_BOOTSTRAP_API_KEY={ApiKey}",
            "--Logging:Level=Warning",
            "--Providers:replicate:ApiKey=",
            "--Routing:ExplorationRate=0",
            // Tests stop apps with runs in flight on purpose (to resume them); a drain would only make every stop wait.
            "--Generations:DrainTimeout=00:00:00",
        };
        args.AddRange(settings.Select(s => "--" + s));
        if (!settings.Any(s => s.StartsWith("Storage:Engine", StringComparison.OrdinalIgnoreCase))) args.AddRange(EngineSettings(dataDir).Select(s => "--" + s));
        var console = new StringWriter();
        var app = AppHost.Build([.. args], console, services);
        await FirstRun.EnsureDefaultAccountAsync(app.Configuration, app.Services.GetRequiredService<BabySea.Appliance.Accounts.AccountAdmin>(),
            app.Services.GetRequiredService<BabySea.Appliance.Accounts.IAccountStore>(),
            app.Services.GetRequiredService<BabySea.Appliance.Billing.PlanCatalog>(), console, CancellationToken.None);
        var accounts = app.Services.GetRequiredService<BabySea.Appliance.Accounts.IAccountStore>();
        foreach (var account in (await accounts.ListAccountsAsync(CancellationToken.None)).Where(a => a.Name == "Default" && a.Plan != plan))
            await accounts.SetPlanAsync(account.Id, plan, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, dataDir, address, owns, console);
    }

    /// <summary>
    /// The engine the suite runs on: LiteDB, or with <c>BABYSEA_TEST_ENGINE=postgres</c> PostgreSQL (the storage conformance
    /// run), where each data folder gets a fresh database of <see cref="PostgresServer"/>, kept for it so that an app
    /// restarted on the same folder finds its data again.
    /// </summary>
    public static bool OnPostgres { get; } = string.Equals(Environment.GetEnvironmentVariable("BABYSEA_TEST_ENGINE"), "postgres", StringComparison.OrdinalIgnoreCase);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<string>> Databases = new(StringComparer.Ordinal);

    /// <summary>The storage settings of <paramref name="dataDir"/> on the suite's engine (none: LiteDB in the folder).</summary>
    public static string[] EngineSettings(string dataDir)
        => OnPostgres ? ["Storage:Engine=postgres", $"Storage:ConnectionString={PostgresDatabase(dataDir)}"] : [];

    /// <summary>The storage settings of <paramref name="dataDir"/> on the suite's engine, for tests that open its stores directly.</summary>
    public static BabySea.Appliance.Storage.StorageSettings StorageOf(string dataDir)
        => new(OnPostgres ? "postgres" : "litedb", OnPostgres ? PostgresDatabase(dataDir) : null, Path.Combine(dataDir, "artifacts"), Durable: true);

    /// <summary>The same as command-line arguments, for the CLI verbs.</summary>
    public static string[] EngineArgs(string dataDir) => [.. EngineSettings(dataDir).Select(s => "--" + s)];

    /// <summary>The connection string of <paramref name="dataDir"/>'s database (created on first use).</summary>
    public static string PostgresDatabase(string dataDir)
        => Databases.GetOrAdd(Path.GetFullPath(dataDir), _ => new Lazy<string>(PostgresServer.NewDatabase)).Value;

    public static string NewDataDir() => Path.Combine(Path.GetTempPath(), "babysea-tests", Guid.NewGuid().ToString("N"));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public HttpClient NewClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async Task StopAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        try { await StopAsync(); }
        catch (ObjectDisposedException) { }
        if (_ownsDataDir && Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
    }

    // --- Calls a test makes all the time ---

    public Task<ApiResponse> GenerateAsync(string model, object body, HttpClient? client = null, string kind = "image")
        => PostAsync(client ?? Client, $"/v1/generate/{kind}/{model}", body);

    public async Task<string> CreateGenerationAsync(string prompt, string model = "bfl/flux-schnell", string? extraJson = null)
    {
        var response = await PostRawAsync(Client, $"/v1/generate/image/{model}",
            $"{{\"generation_prompt\":{JsonSerializer.Serialize(prompt, TestJson.Default.String)}{(extraJson is null ? "" : "," + extraJson)}}}");
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        return response.Data.GetProperty("generation_id").GetString()!;
    }

    public async Task<JsonElement> WaitForAsync(string generationId, Func<string, bool> until, TimeSpan? timeout = null, HttpClient? client = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var r = await GetAsync(client ?? Client, $"/v1/content/{generationId}");
            Assert.True(r.Status == HttpStatusCode.OK, r.Text);
            var status = r.Data.GetProperty("generation_status").GetString()!;
            if (until(status)) return r.Data;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Generation {generationId} still {status} after the wait: {r.Text}");
            await Task.Delay(100);
        }
    }

    public Task<JsonElement> WaitForTerminalAsync(string generationId, TimeSpan? timeout = null)
        => WaitForAsync(generationId, s => s is "succeeded" or "failed" or "canceled", timeout);

    public static async Task<ApiResponse> GetAsync(HttpClient client, string path) => await ApiResponse.ReadAsync(await client.GetAsync(path));

    /// <summary>An account's whole ledger through the admin API, following <c>next_cursor</c>: the balance and every entry, oldest first.</summary>
    public static async Task<(decimal Balance, JsonElement[] Entries)> LedgerAsync(HttpClient admin, string account)
    {
        var entries = new List<JsonElement>();
        decimal balance = 0;
        string? cursor = null;
        do
        {
            var page = (await GetAsync(admin, $"/admin/v1/accounts/{account}/ledger?limit=500" + (cursor is null ? "" : $"&cursor={cursor}"))).AssertOk().Data;
            balance = page.GetProperty("balance").GetDecimal();
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("next_cursor").ValueKind == JsonValueKind.String ? page.GetProperty("next_cursor").GetString() : null;
        } while (cursor is not null);
        entries.Reverse();
        return (balance, entries.ToArray());
    }

    public static Task<ApiResponse> PostAsync(HttpClient client, string path, object body)
        => PostRawAsync(client, path, body as string ?? TestJson.Serialize(body));

    public static async Task<ApiResponse> PostRawAsync(HttpClient client, string path, string json)
        => await ApiResponse.ReadAsync(await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json")));

    public static async Task<ApiResponse> PutAsync(HttpClient client, string path, JsonNode body)
        => await ApiResponse.ReadAsync(await client.PutAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")));

    public static async Task<ApiResponse> DeleteAsync(HttpClient client, string path) => await ApiResponse.ReadAsync(await client.DeleteAsync(path));
}
