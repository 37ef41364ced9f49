using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace BabySea.Appliance.Observability;

/// <summary>
/// Listens to every instrument of the appliance's own meters and writes them in the Prometheus text exposition
/// format 0.0.4. Only meters made by this host's <see cref="IMeterFactory"/> are read, so two appliances in one
/// process (the tests) never mix their numbers; and only the appliance's own (<see cref="MeterPrefix"/>), so the
/// framework's meters on the same factory (Kestrel, routing, memory pools) stay out and the list stays the documented one.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string MeterPrefix = "BabySea.";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, MetricFamily> _families = new();
    private readonly Lock _scrape = new();

    public PrometheusExporter(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter.Scope, meters) || !instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal)
                || MetricFamily.For(instrument) is not { } family) return;
            _families[instrument] = family;
            listener.EnableMeasurementEvents(instrument, family);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _families.TryRemove(instrument, out MetricFamily? _);
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments now and writes every family, sorted by name, series sorted by labels.</summary>
    public string Scrape()
    {
        lock (_scrape)
        {
            var families = _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
            // An observed value is what the callback reports now: a series it no longer reports must disappear.
            foreach (var family in families) family.BeginObservation();
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var family in families) family.Write(text);
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();
}
