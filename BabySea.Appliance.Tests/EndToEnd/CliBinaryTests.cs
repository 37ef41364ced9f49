using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>The command line of the published native binary: verbs, help, version, exit codes, and serving with settings.</summary>
[Collection("native")]
public sealed class CliBinaryTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Binary_Version_IsTheReleaseVersion()
    {
        var (code, stdout, _) = await RunAsync("--version");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion, stdout.Trim());
    }

    [Fact]
    public async Task Binary_Verbs_CreateAndListAnAccount_AndAMistypedFlagIsNamed()
    {
        var (code, stdout, stderr) = await RunAsync("accounts", "create", "--name", "Studio", "--plan", "pro");
        Assert.True(code == ExitCodes.Ok, stderr);
        var id = JsonDocument.Parse(stdout).RootElement.GetProperty("account_id").GetString();

        (code, stdout, stderr) = await RunAsync("accounts", "list");
        Assert.True(code == ExitCodes.Ok, stderr);
        var listed = JsonDocument.Parse(stdout).RootElement.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account_id").GetString() == id);
        Assert.Equal("pro", listed.GetProperty("plan").GetString());

        (code, stdout, stderr) = await RunAsync("credits", "add", "--acount", id!, "--amount", "5");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("'--acount'", stderr);
        Assert.Contains("credits add --help", stderr);

        (code, stdout, _) = await RunAsync("credits", "add", "--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("--account <ID> (REQUIRED)", stdout);
    }

    [Fact]
    public async Task Binary_WithNoVerb_ServesWithSettingsArguments_AndAMistypedSettingStopsItNamingIt()
    {
        var port = TestApp.FreePort();
        using var process = Start("--urls", $"http://127.0.0.1:{port}", "--Routing:SubmitTimeout=00:00:10", "--Logging:Level", "Warning");
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                try
                {
                    if ((await http.GetAsync("/livez")).StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException) { }
                Assert.False(process.HasExited || DateTime.UtcNow > deadline, "the binary did not serve with settings arguments");
                await Task.Delay(50);
            }
        }
        finally
        {
            if (!process.HasExited) Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            if (!process.WaitForExit(15_000)) process.Kill(entireProcessTree: true);
        }
        Assert.True(process.ExitCode == ExitCodes.Ok, await stderr);

        var (code, _, error) = await RunAsync("--urls", $"http://127.0.0.1:{TestApp.FreePort()}", "--Storage:Durabilty=false");
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("babysea-appliance: Storage:Durabilty is not a setting; Storage takes Engine, ConnectionString, ArtifactsPath, Durability.", error.Trim());
    }

    private Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(NativeBinary.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["BABYSEA_DATA_DIR"] = _dataDir;
        start.Environment["BABYSEA_ADMIN_TOKEN"] = TestApp.AdminTokenValue;
        start.Environment["BABYSEA_BOOTSTRAP_API_KEY"] = TestApp.ApiKey;
        start.Environment["Generations__DrainTimeout"] = "00:00:00";
        return Process.Start(start)!;
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
