using BabySea.Appliance.Storage;
using System.Text.Json;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Tests.Support;
using Microsoft.Extensions.Configuration;
using BabySea.Appliance.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>
/// The <c>webhooks</c> verbs on a data folder. They run <see cref="WebhookVerbs"/> directly with their own settings:
/// the CLI reads its data folder from a process-wide environment variable that the CLI tests own.
/// </summary>
public sealed class WebhookVerbsTests : IAsyncLifetime
{
    private readonly string _dataDir = TestApp.NewDataDir();
    private WebhookReceiver _receiver = null!;
    private string _account = "";

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        await using var app = await Hooks.StartAsync(null, _dataDir);
        _account = await Hooks.AccountIdAsync(app);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Webhooks_IsAVerb_ListedInTheHelp()
    {
        var help = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["help"], help, new StringWriter()));
        Assert.Contains("webhooks", help.ToString());
        help = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["webhooks", "create", "--help"], help, new StringWriter()));
        Assert.Contains("--url <U>", help.ToString());
    }

    [Fact]
    public async Task Verbs_ManageAnEndpoint_AndWhatTheyStageIsSentWhenTheApplianceServes()
    {
        var created = await RunAsync("create", "--account", _account, "--url", _receiver.Url(), "--events", "credits.low_balance,generation.completed");
        var id = created.GetProperty("webhook").GetProperty("webhook_id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Equal(["credits.low_balance", "generation.completed"], created.GetProperty("webhook").GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(id, (await RunAsync("list", "--account", _account)).GetProperty("webhooks")[0].GetProperty("webhook_id").GetString());

        var test = await RunAsync("test", "--account", _account, "--webhook", id);
        Assert.Equal("pending", test.GetProperty("status").GetString());

        // Staged while nothing served the folder: the appliance sends it when it starts.
        await using (var app = await Hooks.StartAsync(null, _dataDir))
        {
            var received = (await _receiver.WaitForAsync(r => r.Count == 1, "the test event staged by the CLI")).Single();
            Assert.Equal(test.GetProperty("delivery_id").GetString(), received.DeliveryId);
            SignatureCheck.All(received, secret, DateTimeOffset.UtcNow);
            await Eventually.TrueAsync(async () => (await Hooks.DeliveriesAsync(app, _account, id)).Single().GetProperty("status").GetString() == "delivered",
                "delivered");
        }

        var deliveries = (await RunAsync("deliveries", "--account", _account, "--webhook", id)).GetProperty("deliveries");
        Assert.Equal("delivered", deliveries[0].GetProperty("status").GetString());
        Assert.Equal(200, deliveries[0].GetProperty("attempts")[0].GetProperty("status_code").GetInt32());
        var replay = await RunAsync("replay", "--account", _account, "--webhook", id, "--delivery", test.GetProperty("delivery_id").GetString()!);
        Assert.Equal(test.GetProperty("delivery_id").GetString(), replay.GetProperty("replay_of").GetString());

        Assert.False((await RunAsync("disable", "--account", _account, "--webhook", id)).GetProperty("enabled").GetBoolean());
        Assert.True((await RunAsync("enable", "--account", _account, "--webhook", id)).GetProperty("enabled").GetBoolean());
        Assert.NotEqual(secret, (await RunAsync("rotate", "--account", _account, "--webhook", id)).GetProperty("secret").GetString());
        Assert.Equal(1, (await RunAsync("delete", "--account", _account, "--webhook", id)).GetProperty("deliveries_canceled").GetInt32());
        Assert.Empty((await RunAsync("list", "--account", _account)).GetProperty("webhooks").EnumerateArray());
    }

    [Fact]
    public async Task Create_ToAPrivateTargetNotListed_PrintsTheErrorEnvelope()
    {
        var (code, output) = await RunRawAsync(new Dictionary<string, string?>(), "create", "--account", _account, "--url", "http://10.0.0.7/hook");
        Assert.Equal(1, code);
        var error = output.GetProperty("error");
        Assert.Equal("BSE2001", error.GetProperty("code").GetString());
        Assert.Equal("url", error.GetProperty("details").GetProperty("field").GetString());
    }

    private async Task<JsonElement> RunAsync(string verb, params string[] args)
    {
        var (code, output) = await RunRawAsync(new Dictionary<string, string?> { ["Webhooks:AllowedPrivateHosts:0"] = "127.0.0.1" }, verb, args);
        Assert.True(code == 0, output.GetRawText());
        if (output.TryGetProperty("secret", out var secret)) Assert.Contains($"\"{secret.GetString()}\"", _lastOutput); // copyable as printed
        return output;
    }

    private string _lastOutput = "";

    private async Task<(int Code, JsonElement Output)> RunRawAsync(Dictionary<string, string?> settings, string verb, params string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2) options[args[i][2..]] = args[i + 1];
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var storage = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddSingleton<OutboxSignal>()
            .AddStorage(_dataDir, TestApp.StorageOf(_dataDir), out _).BuildServiceProvider();
        var stdout = new StringWriter();
        var code = await WebhookVerbs.RunAsync(verb, options, config, storage, stdout);
        _lastOutput = stdout.ToString();
        return (code, JsonDocument.Parse(_lastOutput).RootElement.Clone());
    }
}
