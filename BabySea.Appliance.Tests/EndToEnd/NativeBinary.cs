using System.Diagnostics;
using System.Net.Http.Headers;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>
/// The published Native AOT binary as a child process: the only layer that catches what breaks under AOT alone
/// (trimmed mapping, missing JSON metadata). The binary comes from <c>BABYSEA_NATIVE_BINARY</c> or
/// <c>dist/linux-x64</c>; <c>./publish.sh</c> makes it.
/// </summary>
public sealed class NativeBinary : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private NativeBinary(Process process, string baseUrl, string dataDir)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDir = dataDir;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApp.ApiKey);
        Admin = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApp.AdminTokenValue);
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }
    public string DataDir { get; }
    public HttpClient Client { get; }
    public HttpClient Admin { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public int ProcessId => _process.Id;

    public static string Path
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("BABYSEA_NATIVE_BINARY");
            var path = !string.IsNullOrEmpty(configured) ? configured
                : System.IO.Path.Combine(RepoRoot(), "dist", "linux-x64", "babysea-appliance");
            Assert.True(File.Exists(path), $"No native binary at {path}: run ./publish.sh first (the README's test command does).");
            return path;
        }
    }

    /// <param name="settings">Extra configuration as environment variables (<c>Section__Key</c>), as an operator sets them.</param>
    public static Process StartProcess(string dataDir, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo(Path, $"--urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = System.IO.Path.GetTempPath(),
        };
        start.Environment["BABYSEA_DATA_DIR"] = dataDir;
        start.Environment["BABYSEA_ADMIN_TOKEN"] = TestApp.AdminTokenValue;
        start.Environment["BABYSEA_BOOTSTRAP_API_KEY"] = TestApp.ApiKey;
        start.Environment["Logging__Level"] = "Warning";
        start.Environment["Generations__DrainTimeout"] = "00:00:00"; // as in TestApp: a stop resumes runs rather than waiting for them
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return Process.Start(start)!;
    }

    public static async Task<NativeBinary> StartAsync(string dataDir, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        var binary = new NativeBinary(StartProcess(dataDir, port, settings), $"http://127.0.0.1:{port}", dataDir);
        using var probe = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                if ((await probe.GetAsync($"{binary.BaseUrl}/healthz")).IsSuccessStatusCode)
                {
                    // Free's caps (2 images in flight, 60 requests a minute) would throttle the scenarios themselves.
                    var account = (await TestApp.GetAsync(binary.Client, "/v1/status")).AssertOk().Data.GetProperty("account_id").GetString();
                    (await TestApp.PostRawAsync(binary.Admin, $"/admin/v1/accounts/{account}/plan", "{\"plan\":\"enterprise\"}")).AssertOk();
                    return binary;
                }
            }
            catch (HttpRequestException) { }
            if (binary._process.HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"The native binary did not come up:\n{binary.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>The provider emulators alone (<c>emulate --port</c>), answering once this returns; disposing kills it.</summary>
    public static async Task<IAsyncDisposable> StartEmulatorAsync(int port)
    {
        var process = Process.Start(new ProcessStartInfo(Path, $"emulate --port {port}") { UseShellExecute = false, RedirectStandardOutput = true })!;
        using var probe = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                if ((await probe.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode) return new Killed(process);
            }
            catch (HttpRequestException) { }
            Assert.True(!process.HasExited && DateTime.UtcNow < deadline, "The emulator did not come up.");
            await Task.Delay(50);
        }
    }

    private sealed class Killed(Process process) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Runs a CLI verb of the binary on a data folder; returns its exit code and standard output.</summary>
    public static Task<(int Code, string Output)> RunVerbAsync(string dataDir, params string[] args) => RunVerbAsync(dataDir, null, args);

    /// <param name="settings">Configuration as environment variables, as for <see cref="StartProcess"/>.</param>
    public static async Task<(int Code, string Output)> RunVerbAsync(string dataDir, IReadOnlyDictionary<string, string>? settings, params string[] args)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["BABYSEA_DATA_DIR"] = dataDir;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM for a graceful stop, as a service manager would.
            Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
            if (!_process.WaitForExit(10_000)) Kill();
        }
        await Task.CompletedTask;
        _process.Dispose();
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "BabySea.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Run the tests from inside the repository.");
    }
}
