using System.Diagnostics.Metrics;
using BabySea.Appliance.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace BabySea.Appliance.Tests.Observability;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Scrape_NamesFollowPrometheusConventions_AndParsesLineByLine()
    {
        using var exporter = new PrometheusExporter(Meters);
        var meter = Meters.Create("BabySea.Appliance.Test");
        meter.CreateCounter<long>("babysea.things", "{thing}", "Things done.").Add(3, new KeyValuePair<string, object?>("kind", "a"));
        meter.CreateHistogram<double>("babysea.thing.duration", "s", "How long.").Record(0.2);
        meter.CreateObservableGauge("babysea.queue.depth", () => 7, "{item}", "Waiting.");
        meter.CreateUpDownCounter<long>("babysea.running", "{run}", "Running.").Add(-1);

        var text = exporter.Scrape();
        var parsed = Exposition.Parse(text);

        Assert.Equal("counter", parsed.Families["babysea_things_total"].Type);
        Assert.Equal(3, parsed.Value("babysea_things_total", ("kind", "a")));
        Assert.Equal("histogram", parsed.Families["babysea_thing_duration_seconds"].Type);
        Assert.Equal("gauge", parsed.Families["babysea_queue_depth"].Type);
        Assert.Equal(7, parsed.Value("babysea_queue_depth"));
        Assert.Equal(-1, parsed.Value("babysea_running"));
        Assert.Contains("# HELP babysea_things_total Things done.\n# TYPE babysea_things_total counter\n", text);
    }

    [Fact]
    public void Scrape_LabelValuesWithQuotesBackslashesAndNewlines_AreEscaped()
    {
        using var exporter = new PrometheusExporter(Meters);
        var counter = Meters.Create("BabySea.Appliance.Test").CreateCounter<long>("babysea.odd", null, "Help with a \\ and a\nnewline.");
        const string odd = "a \"quoted\" \\path\\\nnext";
        counter.Add(1, new KeyValuePair<string, object?>("route", odd));

        var text = exporter.Scrape();

        Assert.Contains("babysea_odd_total{route=\"a \\\"quoted\\\" \\\\path\\\\\\nnext\"} 1\n", text);
        Assert.Contains("# HELP babysea_odd_total Help with a \\\\ and a\\nnewline.\n", text);
        Assert.Equal(1, Exposition.Parse(text).Value("babysea_odd_total", ("route", odd)));
    }

    [Fact]
    public void Histogram_BucketsAreCumulative_EndInInf_WithSumAndCount()
    {
        using var exporter = new PrometheusExporter(Meters);
        var histogram = Meters.Create("BabySea.Appliance.Test").CreateHistogram("babysea.batch.size", "{command}", "Batch sizes.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 4, 16] });
        foreach (var value in new[] { 1, 1, 3, 20, 100 }) histogram.Record(value, new KeyValuePair<string, object?>("writer", "main"));

        var text = exporter.Scrape();

        Assert.Contains(string.Join("\n",
            "babysea_batch_size_bucket{writer=\"main\",le=\"1\"} 2",
            "babysea_batch_size_bucket{writer=\"main\",le=\"4\"} 3",
            "babysea_batch_size_bucket{writer=\"main\",le=\"16\"} 3",
            "babysea_batch_size_bucket{writer=\"main\",le=\"+Inf\"} 5",
            "babysea_batch_size_sum{writer=\"main\"} 125",
            "babysea_batch_size_count{writer=\"main\"} 5") + "\n", text);
        Exposition.Parse(text);
    }

    [Fact]
    public void Scrape_ReadsOnlyItsOwnHostsMeters()
    {
        using var exporter = new PrometheusExporter(Meters);
        using var otherHost = new ServiceCollection().AddMetrics().BuildServiceProvider();
        otherHost.GetRequiredService<IMeterFactory>().Create("BabySea.Appliance.Test").CreateCounter<long>("babysea.elsewhere").Add(1);
        using var global = new Meter("BabySea.Appliance.Global");
        global.CreateCounter<long>("babysea.global").Add(1);
        Meters.Create("Microsoft.AspNetCore.Server.Kestrel").CreateCounter<long>("kestrel.connections").Add(1);

        var text = exporter.Scrape();

        Assert.DoesNotContain("babysea_elsewhere", text);
        Assert.DoesNotContain("babysea_global", text);
        Assert.DoesNotContain("kestrel", text);
    }
}
