using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace BabySea.Appliance.Observability;

/// <summary>
/// One instrument as a Prometheus metric family: its name (units and <c>_total</c> as Prometheus spells them), its
/// type, and one aggregated series per label set. Counters add up, gauges keep the last value (an up-down counter
/// adds up too), histograms count into fixed buckets.
/// </summary>
internal sealed class MetricFamily
{
    private enum Aggregation { Sum, Last, Histogram }

    /// <summary>Prometheus's own default buckets, for a histogram whose instrument gives none.</summary>
    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Aggregation _aggregation;
    private readonly bool _observed;
    private readonly double[] _bounds;
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    private MetricFamily(string name, string type, string help, Aggregation aggregation, bool observed, double[] bounds)
    {
        Name = name;
        Type = type;
        Help = help;
        _aggregation = aggregation;
        _observed = observed;
        _bounds = bounds;
    }

    public string Name { get; }
    public string Type { get; }
    public string Help { get; }

    /// <summary>The family of an instrument, or null for a kind the exporter does not know.</summary>
    public static MetricFamily? For(Instrument instrument)
    {
        var kind = instrument.GetType();
        if (!kind.IsGenericType) return null;
        var definition = kind.GetGenericTypeDefinition();
        var (type, aggregation, observed) =
            definition == typeof(Counter<>) ? ("counter", Aggregation.Sum, false)
            : definition == typeof(ObservableCounter<>) ? ("counter", Aggregation.Last, true)
            : definition == typeof(UpDownCounter<>) ? ("gauge", Aggregation.Sum, false)
            : definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) ? ("gauge", Aggregation.Last, true)
            : definition == typeof(Gauge<>) ? ("gauge", Aggregation.Last, false)
            : definition == typeof(Histogram<>) ? ("histogram", Aggregation.Histogram, false)
            : (null, Aggregation.Sum, false);
        if (type is null) return null;
        var bounds = aggregation == Aggregation.Histogram ? Bounds(instrument) ?? DefaultBounds : [];
        return new MetricFamily(PrometheusText.MetricName(instrument.Name, instrument.Unit, type == "counter"), type,
            instrument.Description ?? instrument.Name, aggregation, observed, bounds);
    }

    private static double[]? Bounds(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        _ => null,
    };

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = _series.GetOrAdd(PrometheusText.Labels(tags), _ => new Series(_bounds.Length));
        lock (series)
        {
            switch (_aggregation)
            {
                case Aggregation.Sum: series.Value += value; break;
                case Aggregation.Last: series.Value = value; break;
                default:
                    var bucket = 0;
                    while (bucket < _bounds.Length && value > _bounds[bucket]) bucket++;
                    series.Buckets[bucket]++;
                    series.Value += value;
                    series.Count++;
                    break;
            }
        }
    }

    /// <summary>Before the observable instruments report: an observed family keeps only what is reported next.</summary>
    public void BeginObservation()
    {
        if (_observed) _series.Clear();
    }

    public void Write(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(PrometheusText.EscapeHelp(Help)).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            lock (series)
            {
                if (_aggregation != Aggregation.Histogram)
                {
                    Sample(text, Name, labels, series.Value);
                    continue;
                }
                long cumulative = 0;
                for (var i = 0; i < _bounds.Length; i++)
                {
                    cumulative += series.Buckets[i];
                    Sample(text, Name + "_bucket", PrometheusText.With(labels, "le", PrometheusText.Number(_bounds[i])), cumulative);
                }
                Sample(text, Name + "_bucket", PrometheusText.With(labels, "le", "+Inf"), series.Count);
                Sample(text, Name + "_sum", labels, series.Value);
                Sample(text, Name + "_count", labels, series.Count);
            }
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(PrometheusText.Number(value)).Append('\n');
    }

    /// <param name="buckets">Histogram buckets (one per bound, then +Inf); counts per bucket, made cumulative when written.</param>
    private sealed class Series(int buckets)
    {
        public double Value;
        public long Count;
        public readonly long[] Buckets = new long[buckets + 1];
    }
}
