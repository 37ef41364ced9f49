using BabySea.Appliance.Api;

namespace BabySea.Appliance.Analytics;

/// <summary>
/// Builds <c>/v1/usage</c> from the rollups of the period (at most 24 hour buckets and one per day), never from rows.
/// Generations count when created; provider submissions count with the generation that made them, when it ends.
/// </summary>
public sealed class UsageReport(IRollupStore rollups, RequestLogWriter writer, TimeProvider time)
{
    public async Task<UsageData> BuildAsync(string accountId, decimal balance, int days, CancellationToken ct)
    {
        await writer.FlushAsync();
        var now = time.GetUtcNow();
        var b = RollupBuckets.Merge(await RollupBuckets.CoveringAsync(rollups, accountId, now.AddDays(-days), now, ct));

        var endpoints = b.Dimension("req|ep|")
            .Select(ep => new UsageEndpointData(ep, (int)b.Count($"req|ep|{ep}|total"), (int)b.Count($"req|ep|{ep}|success"),
                (int)b.Count($"req|ep|{ep}|client"), (int)b.Count($"req|ep|{ep}|server"),
                b.Dimension($"req|epcode|{ep}|").ToDictionary(code => code, code => (int)b.Count($"req|epcode|{ep}|{code}"))))
            .ToArray();
        var providers = b.Dimension("prov|")
            .Select(p => new UsageProviderData(p, (int)b.Count($"prov|{p}|attempts"), (int)b.Count($"prov|{p}|used"), (int)b.Count($"prov|{p}|canceled"),
                (int)b.Count($"prov|{p}|discarded"), (int)b.Count($"prov|{p}|failed"), b.Sum($"prov|{p}|cost_used"), b.Sum($"prov|{p}|cost_wasted")))
            .ToArray();
        return new UsageData(accountId, days, balance, (int)b.Count("req|total"), (int)b.Count("req|class|success"),
            (int)b.Count("req|class|client"), (int)b.Count("req|class|server"), (int)b.Count("gen|created"), providers.Sum(p => p.TotalSubmissions),
            providers.Sum(p => p.TotalEstimatedCost), b.Sum("cr|reserved"), b.Sum("cr|charged"), b.Sum("cr|refunded"), endpoints, providers,
            new UsageWebhooksData((int)b.Count("wh|delivered"), (int)b.Count("wh|failed"), (int)(b.Count("wh|exhausted") + b.Count("wh|expired")),
                (int)(b.Count("wh|pending") + b.Count("wh|held"))));
    }
}
