using System.Diagnostics.Metrics;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Generations admitted and ended, the queue and the runs in flight, and the ledger movements they pay with. Each is
/// counted after its commit. Models are labelled by catalog id only (anything else is <c>other</c>), so the series
/// stay bounded by the catalog.
/// </summary>
public sealed class GenerationMetrics
{
    private readonly ModelCatalog _catalog;
    private readonly LedgerMetrics _ledger;
    private readonly Counter<long> _admitted;
    private readonly Counter<long> _ended;
    private readonly UpDownCounter<long> _running;

    public GenerationMetrics(IMeterFactory meters, ModelCatalog catalog, GenerationQueue queue, LedgerMetrics ledger)
    {
        _catalog = catalog;
        _ledger = ledger;
        var meter = meters.Create("BabySea.Appliance.Generations");
        _admitted = meter.CreateCounter<long>("babysea.generations.admitted", "{generation}",
            "Generations accepted and stored as pending, by model and media type.");
        _ended = meter.CreateCounter<long>("babysea.generations", "{generation}",
            "Generations that reached a terminal state, by model, the provider that served (or last tried) it, and outcome (succeeded, failed, canceled).");
        _running = meter.CreateUpDownCounter<long>("babysea.generations.running", "{generation}",
            "Generations a worker of this process is running now, by media type.");
        meter.CreateObservableGauge("babysea.generation.queue.depth", () => queue.Count, "{generation}",
            "Accepted generations waiting for a worker.");
    }

    public void Admitted(Generation g)
    {
        _admitted.Add(1, new("model", Model(g)), new("media_type", g.MediaType.Name()));
        _ledger.Moved(LedgerType.Reserve, g.Cost);
    }

    /// <summary>A terminal change was committed: a success paid with a charge, a failure or cancel with a refund (as <see cref="Lifecycle"/> rules).</summary>
    public void Ended(Generation g)
    {
        var provider = g.ProviderUsed ?? g.Attempts.LastOrDefault()?.Provider ?? "none";
        _ended.Add(1, new("model", Model(g)), new("provider", provider), new("outcome", g.Status.Name()));
        _ledger.Moved(g.Status == GenerationStatus.Succeeded ? LedgerType.Charge : LedgerType.Refund, g.Cost);
    }

    /// <summary>Counts a run in flight until the returned handle is disposed.</summary>
    public IDisposable Running(MediaType type)
    {
        var tag = new KeyValuePair<string, object?>("media_type", type.Name());
        _running.Add(1, tag);
        return new RunHandle(() => _running.Add(-1, tag));
    }

    private string Model(Generation g) => _catalog.Find(g.ModelIdentifier) is { } m ? m.Id : "other";

    private sealed class RunHandle(Action done) : IDisposable
    {
        public void Dispose() => done();
    }
}
