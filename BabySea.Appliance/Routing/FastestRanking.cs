using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Routing;

/// <summary>
/// Orders a model's providers for <c>fastest</c> from what this appliance measured:
/// score = success rate − 0.5 × wasted rate − 0.3 × (p95 time to result ÷ the slowest candidate's p95).
/// Providers with too few samples keep their catalog order behind the measured ones; with probability
/// <see cref="RoutingOptions.ExplorationRate"/> the least-sampled provider goes first so every number stays fresh.
/// </summary>
public sealed class FastestRanking(RoutingStats stats, IOptions<RoutingOptions> options)
{
    public const int MinSamples = 3;

    /// <param name="explore">False for reporting: the order most generations get.</param>
    public IReadOnlyList<string> Rank(string model, IReadOnlyList<string> catalogOrder, bool explore = true)
    {
        var measured = catalogOrder.Select(p => stats.ForModel(model, p)).ToArray();
        var slowest = measured.Where(s => s.Samples >= MinSamples).Select(s => s.P95Seconds ?? 0).DefaultIfEmpty(0).Max();
        var ranked = measured.Where(s => s.Samples >= MinSamples)
            .OrderByDescending(s => Score(s, slowest))
            .Select(s => s.Provider)
            .Concat(measured.Where(s => s.Samples < MinSamples).Select(s => s.Provider))
            .ToList();
        if (explore && ranked.Count > 1 && Random.Shared.NextDouble() < options.Value.ExplorationRate)
        {
            var leastSampled = measured.OrderBy(s => s.Samples).First().Provider;
            ranked.Remove(leastSampled);
            ranked.Insert(0, leastSampled);
        }
        return ranked;
    }

    public static double Score(RoutingStats.ModelProviderStats s, double slowestP95)
        => s.SuccessRate - 0.5 * s.WastedRate - 0.3 * (slowestP95 > 0 && s.P95Seconds is { } p95 ? p95 / slowestP95 : s.P95Seconds is null ? 1 : 0);
}
