namespace BabySea.Appliance.Analytics;

/// <summary>
/// Fixed, log-spaced bucket boundaries (ten per decade, about 26 % apart), so histograms kept per hour and day merge by
/// adding counts and percentiles come out of the merged buckets, at most one bucket width off.
/// </summary>
public sealed class Histogram(double smallest, int buckets)
{
    /// <summary>Request durations: 0.1 ms up to about 17 minutes.</summary>
    public static readonly Histogram Milliseconds = new(0.1, 71);

    /// <summary>Inference times: 10 ms up to about 28 hours.</summary>
    public static readonly Histogram Seconds = new(0.01, 71);

    public int Count => buckets;

    /// <summary>The bucket holding <paramref name="value"/>: the first whose upper bound is at or above it.</summary>
    public int Bucket(double value)
    {
        if (!(value > smallest)) return 0;
        var i = (int)Math.Ceiling(10 * Math.Log10(value / smallest) - 1e-9);
        return Math.Clamp(i, 0, buckets - 1);
    }

    public double UpperBound(int bucket) => smallest * Math.Pow(10, bucket / 10.0);

    /// <summary>The upper bound of the bucket where the <paramref name="quantile"/> falls; 0 for no samples.</summary>
    public double Percentile(IReadOnlyDictionary<int, long> counts, double quantile)
    {
        var total = counts.Values.Sum();
        if (total == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        foreach (var (bucket, n) in counts.OrderBy(c => c.Key))
        {
            seen += n;
            if (seen >= rank) return UpperBound(bucket);
        }
        return UpperBound(counts.Keys.Max());
    }
}
