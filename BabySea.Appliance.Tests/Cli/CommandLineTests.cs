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

    [Fact]
    public async Task SecondInstance_OnTheSameDataFolder_IsRefusedWithAClearMessage()
    {
        await using var app = await TestApp.StartAsync(_dataDir);
        var error = await Assert.ThrowsAsync<BabySea.Appliance.Storage.DataFolderLockedException>(() => RunRawAsync("accounts", "list"));
        Assert.Contains("in use by another BabySea Appliance process", error.Message);
        await Assert.ThrowsAsync<BabySea.Appliance.Storage.DataFolderLockedException>(() => TestApp.StartAsync(_dataDir));
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
            var code = await CommandLine.RunAsync(args, stdout, new StringWriter());
            return (code, stdout.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("BABYSEA_DATA_DIR", null);
        }
    }
}
