using System.Diagnostics;
using System.Net;
using System.Text.Json;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>The native binary as a service manager runs it: probes, JSON logs, and a clean exit on SIGTERM.</summary>
[Collection("native")]
public sealed class OperationsBinaryTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Binary_AnswersProbes_LogsJsonLines_AndExitsCleanlyOnSigterm()
    {
        var port = TestApp.FreePort();
        var start = new ProcessStartInfo(NativeBinary.Path, $"--urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["BABYSEA_DATA_DIR"] = _dataDir;
        start.Environment["BABYSEA_ADMIN_TOKEN"] = TestApp.AdminTokenValue;
        start.Environment["BABYSEA_BOOTSTRAP_API_KEY"] = TestApp.ApiKey;
        start.Environment["Logging__Format"] = "json";
        start.Environment["Logging__Level"] = "Information";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForLiveAsync(http, process);
            using var ready = await http.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("ok", await ready.Content.ReadAsStringAsync());
        }
        finally
        {
            if (!process.HasExited) Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            if (!process.WaitForExit(15_000)) process.Kill(entireProcessTree: true);
        }
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");

        var console = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var verified = console.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("@mt").GetString()!.StartsWith("Ledger verified", StringComparison.Ordinal));
        Assert.Equal(1, verified.GetProperty("Accounts").GetInt32());
        // The file holds the same events, every line one JSON object (parsing throws otherwise).
        var file = File.ReadAllLines(Directory.GetFiles(Path.Combine(_dataDir, "logs")).Single());
        Assert.All(file, line => Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("@t", out _), line));
        Assert.Contains(file, l => l.Contains("Ledger verified", StringComparison.Ordinal));
    }

    private static async Task WaitForLiveAsync(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var live = await http.GetAsync("/livez");
                if (live.StatusCode == HttpStatusCode.OK && await live.Content.ReadAsStringAsync() == "ok") return;
            }
            catch (HttpRequestException) { }
            Assert.False(process.HasExited || DateTime.UtcNow > deadline, "the native binary did not come up");
            await Task.Delay(50);
        }
    }
}
