using System.Diagnostics;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Benchmarks;

/// <summary>
/// Portkey's open-source gateway (npm <c>@portkey-ai/gateway</c>), the stateless proxy the throughput benchmark
/// compares against: installed with npm into <c>$BABYSEA_PORTKEY_DIR</c> (default: a folder under the temp folder,
/// outside the repository) when missing, and run with node. Any step that cannot run yields a reason instead.
/// </summary>
public sealed class PortkeyGateway : IAsyncDisposable
{
    public const string Version = "1.15.2";
    private readonly Process _process;

    private PortkeyGateway(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public int ProcessId => _process.Id;

    /// <returns>The running gateway, or null and why it could not run.</returns>
    public static async Task<(PortkeyGateway? Gateway, string? Reason)> StartAsync()
    {
        var folder = Environment.GetEnvironmentVariable("BABYSEA_PORTKEY_DIR") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "babysea-portkey");
        var script = Path.Combine(folder, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
        if (!File.Exists(script))
        {
            var (code, output) = await RunAsync("npm", ["install", "--prefix", folder, "--no-audit", "--no-fund", $"@portkey-ai/gateway@{Version}"], TimeSpan.FromMinutes(3));
            if (code != 0 || !File.Exists(script))
                return (null, $"npm install @portkey-ai/gateway@{Version} into {folder} failed (exit {code}): {Last(output)}");
        }
        var port = TestApp.FreePort();
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("node", [script, $"--port={port}", "--headless"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder,
            })!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, $"node could not be started: {ex.Message}");
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new PortkeyGateway(process, $"http://127.0.0.1:{port}");
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                await probe.GetAsync(gateway.BaseUrl + "/");
                return (gateway, null); // any answer means it listens
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (process.HasExited) break;
            await Task.Delay(100);
        }
        await gateway.DisposeAsync();
        return (null, "node started the gateway but it did not listen within 30 s");
    }

    /// <summary>The header that routes a request to an OpenAI-compatible upstream.</summary>
    public static string Config(string upstreamV1) => $"{{\"provider\":\"openai\",\"api_key\":\"sk-x\",\"custom_host\":\"{upstreamV1}\"}}";

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, TimeSpan limit)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(limit);
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"timed out after {limit.TotalSeconds:0} s");
            }
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, $"{file} could not be started: {ex.Message}");
        }
    }

    private static string Last(string output) => output.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
