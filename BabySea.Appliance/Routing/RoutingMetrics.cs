using System.Diagnostics.Metrics;
using BabySea.Appliance.Api;

namespace BabySea.Appliance.Routing;

/// <summary>
/// Provider attempts as the failover loop saw them: how long each took and how it ended, the ones given up (wasted),
/// the moves to the next provider, and each served provider's circuit. Providers and BSE types are closed lists, so
/// the series stay bounded.
/// </summary>
public sealed class RoutingMetrics
{
    private readonly Histogram<double> _attempts;
    private readonly Counter<long> _wasted;
    private readonly Counter<long> _failovers;

    public RoutingMetrics(IMeterFactory meters, ProviderRegistry registry, ProviderCircuits circuits)
    {
        var meter = meters.Create("BabySea.Appliance.Routing");
        _attempts = meter.CreateHistogram("babysea.provider.attempt.duration", "s",
            "Provider attempts from submit to outputs fetched or failure, by provider and outcome (succeeded, or the BSE type of the failure).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });
        _wasted = meter.CreateCounter<long>("babysea.provider.attempts.wasted", "{attempt}",
            "Provider jobs given up after they were accepted (deadline missed, outputs unusable): paid for at the provider, not used.");
        _failovers = meter.CreateCounter<long>("babysea.failovers", "{failover}",
            "Times a generation left a provider (failed, timed out, or skipped with its circuit open) for the next one in its order.");
        meter.CreateObservableGauge("babysea.provider.circuit.state",
            () => registry.Ids.Select(p => new Measurement<int>(Code(circuits.State(p)), new KeyValuePair<string, object?>("provider", p))), null,
            "Each served provider's circuit: 0 closed, 1 half-open (probing), 2 open (skipped).");
    }

    public void Attempted(string provider, BseCode? failure, TimeSpan elapsed, bool wasted)
    {
        var tag = new KeyValuePair<string, object?>("provider", provider);
        _attempts.Record(elapsed.TotalSeconds, tag, new("outcome", failure is { } code ? BseCatalog.For(code).Type : "succeeded"));
        if (wasted) Wasted(provider);
    }

    /// <summary>A job given up outside an attempt: one resumed after a restart whose provider's circuit is now open.</summary>
    public void Wasted(string provider) => _wasted.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public void FailedOver(string fromProvider) => _failovers.Add(1, new KeyValuePair<string, object?>("provider", fromProvider));

    private static int Code(string state) => state switch { "closed" => 0, "half_open" => 1, _ => 2 };
}
