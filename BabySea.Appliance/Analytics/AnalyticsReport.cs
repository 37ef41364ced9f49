using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api;

namespace BabySea.Appliance.Analytics;

/// <summary>
/// The dashboard's aggregates over 24 h (hourly series) or 7, 30, 90 days (daily series), read from rollups only: a
/// period costs at most 90 bucket documents whatever the history holds.
/// </summary>
public sealed class AnalyticsReport(IRollupStore rollups, IAccountStore accounts, RequestLogWriter writer, TimeProvider time)
{
    public static readonly string[] Periods = ["24h", "7d", "30d", "90d"];

    public async Task<AnalyticsData> BuildAsync(string accountId, string period, CancellationToken ct)
    {
        await writer.FlushAsync();
        var now = time.GetUtcNow();
        var (grain, count) = period switch { "24h" => (RollupGrain.Hour, 24), "30d" => (RollupGrain.Day, 30), "90d" => (RollupGrain.Day, 90), _ => (RollupGrain.Day, 7) };
        var step = RollupGrains.Length(grain);
        var from = RollupGrains.Start(grain, now) - step * (count - 1);
        var read = (await rollups.ReadAsync(accountId, grain, from, now, ct)).ToDictionary(b => b.Start);
        var series = Enumerable.Range(0, count).Select(i => from + step * i)
            .Select(start => read.GetValueOrDefault(start) ?? RollupBucket.Empty with { Start = start }).ToArray();
        var t = RollupBuckets.Merge(series);

        var keys = (await accounts.ListKeysAsync(accountId, ct)).ToDictionary(k => k.Id, StringComparer.Ordinal);
        var requests = new AnalyticsRequestsData(t.Count("req|total"),
            t.Dimension("req|status|").ToDictionary(s => s, s => t.Count($"req|status|{s}")),
            t.Dimension("req|ep|").ToDictionary(ep => ep, ep => t.Count($"req|ep|{ep}|total")),
            t.Dimension("req|key|").Select(k => new KeyCountData(k, keys.GetValueOrDefault(k)?.Name, keys.GetValueOrDefault(k)?.Prefix, t.Count($"req|key|{k}")))
                .OrderByDescending(k => k.Count).ToArray());
        return new AnalyticsData(period, grain == RollupGrain.Hour ? "hour" : "day", Timestamps.Format(from), Timestamps.Format(now),
            series.Select(b => new AnalyticsSeriesData(Timestamps.Format(b.Start), Outcomes(b), Requests(b), Credits(b),
                new WebhookSeriesData(b.Count("wh|delivered"), b.Count("wh|failed")))).ToArray(),
            Outcomes(t), requests, Credits(t),
            new WebhookOutcomesData(t.Count("wh|delivered"), t.Count("wh|failed"), t.Count("wh|exhausted") + t.Count("wh|expired")),
            Percentiles(t, "req|lat|", Histogram.Milliseconds, t.Sum("req|lat_ms"), t.Count("req|total")),
            Percentiles(t, "gen|inf|", Histogram.Seconds, t.Sum("gen|inf_s"), t.Count("gen|inf_n")),
            t.Dimension("req|code|").ToDictionary(c => c, c => t.Count($"req|code|{c}")),
            t.Dimension("model|").Select(m => new ModelUsageData(m, t.Count($"model|{m}|generations"), t.Count($"model|{m}|succeeded"), t.Sum($"model|{m}|credits")))
                .ToArray(),
            t.Dimension("prov|").Select(p => new ProviderUsageData(p, t.Count($"prov|{p}|attempts"), t.Count($"prov|{p}|used"), t.Count($"prov|{p}|failed"),
                t.Count($"prov|{p}|wasted"))).ToArray());
    }

    private static GenerationOutcomesData Outcomes(RollupBucket b)
        => new(b.Count("gen|succeeded"), b.Count("gen|failed"), b.Count("gen|canceled"), b.Count("gen|failed_over"));

    private static RequestCountsData Requests(RollupBucket b)
        => new(b.Count("req|total"), b.Count("req|class|success"), b.Count("req|class|client"), b.Count("req|class|server"));

    private static CreditMovementsData Credits(RollupBucket b)
        => new(b.Sum("cr|reserved"), b.Sum("cr|charged"), b.Sum("cr|refunded"), b.Sum("cr|granted"));

    private static PercentilesData Percentiles(RollupBucket b, string prefix, Histogram histogram, decimal sum, long count)
    {
        var counts = b.Histogram(prefix);
        double P(double q) => Math.Round(histogram.Percentile(counts, q), 3);
        return new PercentilesData(P(0.50), P(0.95), P(0.99), count == 0 ? 0 : Math.Round((double)(sum / count), 3));
    }
}
