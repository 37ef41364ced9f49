using System.Diagnostics.Metrics;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>The single writer's group commits: how many commands each carried and how long it took, fsync included.</summary>
public sealed class WriterMetrics
{
    private readonly Histogram<int> _batch;
    private readonly Histogram<double> _commit;

    public WriterMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("BabySea.Appliance.Storage");
        _batch = meter.CreateHistogram("babysea.storage.writer.batch.size", "{command}",
            "Write commands committed together in one transaction (group commit).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _commit = meter.CreateHistogram("babysea.storage.writer.commit.duration", "s",
            "Time from a transaction's start to its commit forced to disk, all its commands included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    public void Committed(int commands, TimeSpan elapsed)
    {
        _batch.Record(commands);
        _commit.Record(elapsed.TotalSeconds);
    }
}
