using System.Text.Json.Nodes;
using BabySea.Appliance.Hosting;

namespace BabySea.Appliance.Tests.Support;

/// <summary>
/// A copy of the shipped plans without the in-flight and rate caps that protect real accounts, for suites that run
/// a generation per catalog model at once, and benchmarks that hold thousands in flight. Pass <see cref="Setting"/> to the app; disposing deletes the file.
/// </summary>
public sealed class UncappedPlans : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"babysea-uncapped-plans-{Guid.NewGuid():N}.json");

    public UncappedPlans()
    {
        var plans = JsonNode.Parse(File.ReadAllText(AppHost.ConfigFile("plans.json")))!;
        foreach (var plan in plans["plans"]!.AsArray())
        {
            plan!["max_in_flight_images"] = 100_000;
            plan["max_in_flight_videos"] = 100_000;
            plan["requests_per_minute"] = 1_000_000;
        }
        File.WriteAllText(_path, plans.ToJsonString());
    }

    public string Setting => $"Billing:PlansFile={_path}";

    /// <summary>The plans file itself, for a process configured through environment variables.</summary>
    public string FilePath => _path;

    public void Dispose() => File.Delete(_path);
}
