using System.Diagnostics;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Tests.Hosting;

public sealed class SystemdUnitTests : IDisposable
{
    private static readonly string Unit = Path.Combine(AppContext.BaseDirectory, "config", "babysea-appliance.service");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "babysea-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [SystemdAnalyzeFact]
    public async Task UnitFile_PassesSystemdAnalyzeVerify_WithoutAWord()
    {
        // verify insists that ExecStart exists; the binary is installed elsewhere, so only its path is swapped.
        Directory.CreateDirectory(_dir);
        var copy = Path.Combine(_dir, "babysea-appliance.service");
        var text = File.ReadAllText(Unit);
        Assert.Contains("ExecStart=/opt/babysea-appliance/babysea-appliance ", text);
        File.WriteAllText(copy, text.Replace("ExecStart=/opt/babysea-appliance/babysea-appliance ", "ExecStart=/bin/true "));

        var (code, output) = await SystemdAnalyze.RunAsync("verify", copy);
        // verify exits 0 after a directive it could not parse and ignored, so any output is a failure too.
        Assert.True(code == 0 && output.Length == 0, $"systemd-analyze verify exited {code}:\n{output}");
    }

    [Fact]
    public void UnitFile_GivesTheStopMoreTimeThanTheDrainAndTheHostNeed()
    {
        var lines = File.ReadAllLines(Unit);
        var stop = TimeSpan.FromSeconds(int.Parse(lines.Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal))["TimeoutStopSec=".Length..]));
        // The host waits DrainTimeout + 15 s for a clean stop (AppHost); systemd must not kill it before.
        Assert.True(stop > new GenerationOptions().DrainTimeout + TimeSpan.FromSeconds(15), $"TimeoutStopSec {stop} is too short");
        Assert.Contains("Restart=on-failure", lines);
        // A configuration mistake, a mistyped command line or a held data folder would only happen again.
        Assert.Contains($"RestartPreventExitStatus={ExitCodes.Failed} {ExitCodes.Usage} {ExitCodes.DataFolderInUse}", lines);
        Assert.Contains("Environment=BABYSEA_DATA_DIR=/var/lib/babysea", lines);
        Assert.Contains("ReadWritePaths=/var/lib/babysea", lines);
    }
}

/// <summary>A fact that runs only where <c>systemd-analyze</c> is installed, and says so when it is not.</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public SystemdAnalyzeFactAttribute()
    {
        if (SystemdAnalyze.Path is null) Skip = "systemd-analyze is not installed here, so the unit file was not verified";
    }
}

internal static class SystemdAnalyze
{
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "systemd-analyze"))
        .FirstOrDefault(File.Exists);

    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
