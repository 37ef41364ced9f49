using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>
/// The standing crash fault run: <see cref="CrashTrial"/> after <see cref="CrashTrial"/>, each on a fresh data folder
/// with its own seed. 20 trials in the normal suite; <c>BABYSEA_CRASH_TRIALS=100</c> for the long run, and
/// <c>BABYSEA_CRASH_SEED=N BABYSEA_CRASH_TRIALS=1</c> replays the trial a failure printed. Figures go to the test
/// output and to <c>bench-results/crash-run.txt</c> (or <c>$BABYSEA_BENCH_RESULTS</c>).
/// </summary>
[Collection("native")]
[Trait("Category", "Crash")]
public sealed class CrashFaultRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KilledAtRandomMoments_UnderMixedLoad_LosesNothing_BreaksNoInvariant_AndAnnouncesEveryEnd()
    {
        var trials = EnvironmentInt("BABYSEA_CRASH_TRIALS") ?? 20;
        var firstSeed = EnvironmentInt("BABYSEA_CRASH_SEED") ?? Random.Shared.Next(1, 1_000_000);
        var report = new StringBuilder();
        var directory = Environment.GetEnvironmentVariable("BABYSEA_BENCH_RESULTS") ?? Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "crash-run.txt");
        File.Delete(file);
        // Written line by line: the test output shows only at the end, and a 100-trial run takes a quarter of an hour.
        void Print(string line)
        {
            output.WriteLine(line);
            report.AppendLine(line);
            File.AppendAllText(file, line + Environment.NewLine);
        }

        Print(string.Create(CultureInfo.InvariantCulture,
            $"crash fault run, {DateTimeOffset.UtcNow:O}, {Environment.ProcessorCount} cores, {trials} trials, seeds {firstSeed}..{firstSeed + trials - 1}"));
        var watch = Stopwatch.StartNew();
        var results = new List<CrashTrialResult>();
        for (var i = 0; i < trials; i++)
        {
            var result = await CrashTrial.RunAsync(firstSeed + i);
            results.Add(result);
            Print($"trial {i + 1}/{trials}, {result}");
            foreach (var violation in result.Violations) Print($"  - {violation}");
        }
        watch.Stop();

        var failed = results.Where(r => !r.Passed).ToArray();
        Print(string.Create(CultureInfo.InvariantCulture,
            $"trials: {trials}, failed: {failed.Length}, generations accepted: {results.Sum(r => r.Accepted)}, " +
            $"generations stored: {results.Sum(r => r.Generations)}, kills: {results.Sum(r => r.Kills)}, " +
            $"webhook requests received: {results.Sum(r => r.WebhooksReceived)}, time: {watch.Elapsed.TotalSeconds:0} s"));
        if (failed.Length > 0)
            Print($"replay a failed trial with: BABYSEA_CRASH_SEED=<seed> BABYSEA_CRASH_TRIALS=1; failed seeds: {string.Join(", ", failed.Select(r => r.Seed))}");

        Assert.True(failed.Length == 0, report.ToString());
    }

    private static int? EnvironmentInt(string name)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
