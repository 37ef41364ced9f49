using System.Reflection;
using System.Text.Json;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Cli;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public CommandLineTests() => Environment.SetEnvironmentVariable("BABYSEA_DATA_DIR", null);

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Verbs_CreateAccountKeyAndCredits_AndTheKeyWorksOnTheServer()
    {
        var account = await RunAsync("accounts", "create", "--name", "Ops", "--plan", "starter");
        var accountId = account.GetProperty("account_id").GetString()!;
        Assert.Equal("starter", account.GetProperty("plan").GetString());

        var key = await RunAsync("keys", "create", "--account", accountId, "--preset", "read_only", "--name", "dash");
        Assert.Equal(["generation:read", "account:read", "health:read", "library:read"],
            key.GetProperty("key").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var credit = await RunAsync("credits", "add", "--account", accountId, "--amount", "4.5", "--description", "pack");
        Assert.Equal(5.500m, credit.GetProperty("balance_after").GetDecimal());
        var keys = await RunAsync("keys", "list", "--account", accountId);
        Assert.Equal(1, keys.GetProperty("keys").GetArrayLength());

        await using var app = await TestApp.StartAsync(_dataDir);
        var client = app.NewClient(key.GetProperty("api_key").GetString());
        var billing = (await TestApp.GetAsync(client, "/v1/user/billing")).AssertOk();
        Assert.Equal(5.500m, billing.Data.GetProperty("billing_credit_balance").GetDecimal());
        Assert.Equal("Starter Monthly", billing.Data.GetProperty("billing_plan").GetString());
    }

    [Fact]
    public async Task Verb_Error_PrintsEnvelopeAndExitsNonZero()
    {
        var (code, output) = await RunRawAsync("credits", "add", "--account", "missing", "--amount", "1");
        Assert.Equal(1, code);
        Assert.Equal("BSE1008", JsonDocument.Parse(output).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact, Trait("Engine", "LiteDb")]
    public async Task SecondInstance_OnTheSameDataFolder_IsRefusedWithAClearMessage()
    {
        await using var app = await TestApp.StartAsync(_dataDir);
        var error = await Assert.ThrowsAsync<BabySea.Appliance.Storage.DataFolderLockedException>(() => RunRawAsync("accounts", "list"));
        Assert.Contains("in use by another BabySea Appliance process", error.Message);
        await Assert.ThrowsAsync<BabySea.Appliance.Storage.DataFolderLockedException>(() => TestApp.StartAsync(_dataDir));
    }

    [Fact]
    public async Task EveryVerb_AnswersHelp_WithItsUsageAndEveryFlagDescribed()
    {
        var root = CommandTree.Build((_, _) => Task.FromResult(0), () => Task.FromResult(0), () => Task.FromResult(0));
        var commands = CommandTree.Walk(root).ToArray();
        Assert.True(commands.Length > 30, "the whole tree is walked");
        foreach (var (words, command) in commands)
        {
            var stdout = new StringWriter();
            Assert.Equal(ExitCodes.Ok, await CommandLine.RunAsync([.. words, "--help"], stdout, new StringWriter()));
            var help = stdout.ToString();
            Assert.Contains("Usage:", help);
            Assert.Contains(string.Join(' ', words), help);
            Assert.Contains(command.Description!.Split('\n')[0], help);
            Assert.All(command.Options, o => Assert.False(string.IsNullOrWhiteSpace(o.Description), $"{string.Join(' ', words)} {o.Name} has no description"));
        }
        // The old spelling still works: "help VERB" is "VERB --help".
        var viaHelp = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await CommandLine.RunAsync(["help", "credits", "add"], viaHelp, new StringWriter()));
        Assert.Contains("--amount <CREDITS> (REQUIRED)", viaHelp.ToString());
    }

    [Theory]
    [InlineData(new[] { "accounts", "list", "--acount", "x" }, "--acount")]
    [InlineData(new[] { "credits", "add", "--account", "a", "--amount", "lots" }, "'lots' for option '--amount'")]
    [InlineData(new[] { "keys", "list" }, "--account")]
    [InlineData(new[] { "acounts", "list" }, "'acounts' is not a verb")]
    [InlineData(new[] { "accounts" }, "accounts --help")]
    [InlineData(new[] { "seed", "--days", "soon" }, "'soon' for option '--days'")]
    [InlineData(new[] { "alerts", "set", "--account", "a", "--thresholds", "1,two" }, "'two' is not a number")]
    [InlineData(new[] { "verify", "--recount", "stray" }, "'stray'")]
    public async Task UsageMistake_IsNamed_AndExitsWithTheUsageCode(string[] args, string named)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Environment.SetEnvironmentVariable("BABYSEA_DATA_DIR", _dataDir);
        try
        {
            Assert.Equal(ExitCodes.Usage, await CommandLine.RunAsync(args, stdout, stderr));
        }
        finally
        {
            Environment.SetEnvironmentVariable("BABYSEA_DATA_DIR", null);
        }
        Assert.Contains(named, stderr.ToString());
        Assert.Equal("", stdout.ToString());
        Assert.False(File.Exists(Path.Combine(_dataDir, "babysea.db")), "a usage mistake opens nothing");
    }

    [Fact]
    public async Task Version_PrintsTheReleaseVersion()
    {
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await CommandLine.RunAsync(["--version"], stdout, new StringWriter()));
        var version = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        Assert.Equal(version, stdout.ToString().Trim());
    }

    [Fact, Trait("Engine", "LiteDb")]
    public async Task SettingsAfterAVerb_AreConfiguration_NotFlags()
    {
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await CommandLine.RunAsync(["accounts", "create", "--name", "Ops", $"--BABYSEA_DATA_DIR={_dataDir}", "--Logging:Level=Warning"],
            stdout, new StringWriter()));
        Assert.Equal("Ops", JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("account_name").GetString());
        Assert.True(File.Exists(Path.Combine(_dataDir, "babysea.db")));
    }

    [Fact]
    public async Task Seed_WritesEndingsWithTheirWebhookDeliveries_AndVerifyWithRecountAcceptsIt()
    {
        await RunAsync("seed", "--accounts", "2", "--generations", "120", "--request-logs", "200", "--days", "5");
        var verify = await RunAsync("verify", "--recount");
        Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());

        var seeded = (await RunAsync("accounts", "list")).GetProperty("accounts").EnumerateArray()
            .Single(a => a.GetProperty("account_name").GetString() == "Seeded 1").GetProperty("account_id").GetString()!;
        var webhook = Assert.Single((await RunAsync("webhooks", "list", "--account", seeded)).GetProperty("webhooks").EnumerateArray());
        var deliveries = (await RunAsync("webhooks", "deliveries", "--account", seeded, "--webhook", webhook.GetProperty("webhook_id").GetString()!,
            "--limit", "100")).GetProperty("deliveries").EnumerateArray().ToArray();
        Assert.NotEmpty(deliveries);
        // Settled as a live appliance would have left them: one attempt each, nothing left for the dispatcher to send.
        Assert.All(deliveries, d =>
        {
            Assert.Contains(d.GetProperty("status").GetString(), new[] { "delivered", "exhausted" });
            Assert.Equal(1, d.GetProperty("attempts").GetArrayLength());
            Assert.StartsWith("generation.", d.GetProperty("event").GetString(), StringComparison.Ordinal);
        });
    }

    private async Task<JsonElement> RunAsync(params string[] args)
    {
        var (code, output) = await RunRawAsync(args);
        Assert.True(code == 0, output);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private async Task<(int Code, string Output)> RunRawAsync(params string[] args)
    {
        Environment.SetEnvironmentVariable("BABYSEA_DATA_DIR", _dataDir);
        try
        {
            var stdout = new StringWriter();
            var code = await CommandLine.RunAsync([.. args, .. TestApp.EngineArgs(_dataDir)], stdout, new StringWriter());
            return (code, stdout.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("BABYSEA_DATA_DIR", null);
        }
    }
}
