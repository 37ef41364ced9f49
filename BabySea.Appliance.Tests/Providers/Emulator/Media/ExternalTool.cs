using System.Diagnostics;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

/// <summary>
/// Runs a real decoder from a Debian package, because a file that only looks right to our own parser
/// proves nothing about what browsers and users will see. A missing tool fails the test, never skips it.
/// </summary>
internal static class ExternalTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(string tool, string aptPackage, params string[] arguments)
    {
        string? path = Locate(tool);
        if (path is null)
        {
            Assert.Fail($"'{tool}' is not on PATH; install the Debian package '{aptPackage}' (apt-get install -y {aptPackage}).");
        }

        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        using var timeout = new CancellationTokenSource(Timeout);
        using var stdout = new MemoryStream();
        Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
        Task<string> readErr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await copyOut;
            string stderr = await readErr;
            return (process.ExitCode, stdout.ToArray(), stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{tool} {string.Join(' ', arguments)}' did not finish within {Timeout.TotalSeconds} s.");
            throw;
        }
    }

    private static string? Locate(string tool)
    {
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.Select(directory => Path.Combine(directory, tool)).FirstOrDefault(File.Exists);
    }
}
