using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Analytics;

/// <summary>Builds <c>/v1/usage</c> from the request log, the generation records and the ledger of a period.</summary>
public sealed class UsageReport(IRequestLogStore logs, IGenerationStore generations, ILedgerStore ledger, IWebhookStore webhooks, RequestLogWriter writer,
    TimeProvider time)
{
    public async Task<UsageData> BuildAsync(string accountId, decimal balance, int days)
    {
        await writer.FlushAsync();
        var since = time.GetUtcNow().AddDays(-days);
        var requests = logs.Since(accountId, since);
        var gens = await generations.CreatedSinceAsync(accountId, since, CancellationToken.None);
        var moves = ledger.Entries(accountId).Where(e => e.CreatedAt >= since).ToArray();

        var endpoints = requests.GroupBy(r => $"{r.Method} {r.Endpoint}").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new UsageEndpointData(g.Key, g.Count(), g.Count(r => r.Status < 400), g.Count(r => r.Status is >= 400 and < 500),
                g.Count(r => r.Status >= 500),
                g.Where(r => r.BseCode is not null).GroupBy(r => r.BseCode!).ToDictionary(c => c.Key, c => c.Count())))
            .ToArray();
        var attempts = gens.SelectMany(g => g.Attempts.Select(a => (g, a))).ToArray();
        var providers = attempts.GroupBy(x => x.a.Provider).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(p => new UsageProviderData(p.Key, p.Count(),
                p.Count(x => x.a.Outcome == AttemptOutcome.Used),
                p.Count(x => x.a.Outcome == AttemptOutcome.Canceled || x.a.Outcome == AttemptOutcome.Running && x.g.Status == GenerationStatus.Canceled),
                p.Count(x => x.a.Outcome == AttemptOutcome.Abandoned),
                p.Count(x => x.a.Outcome == AttemptOutcome.Failed),
                p.Where(x => x.a.Outcome == AttemptOutcome.Used).Sum(x => x.g.Cost),
                p.Where(x => x.a.Wasted).Sum(x => x.g.Cost)))
            .ToArray();

        decimal Sum(LedgerType t) => moves.Where(e => e.Type == t).Sum(e => e.Amount);
        var hooks = webhooks.Outcomes(accountId, since);
        return new UsageData(accountId, days, balance, requests.Count, requests.Count(r => r.Status < 400),
            requests.Count(r => r.Status is >= 400 and < 500), requests.Count(r => r.Status >= 500), gens.Count, attempts.Length,
            providers.Sum(p => p.TotalEstimatedCost), Sum(LedgerType.Reserve), Sum(LedgerType.Charge), Sum(LedgerType.Refund), endpoints, providers,
            new UsageWebhooksData(hooks.Delivered, hooks.Failed, hooks.Exhausted, hooks.Pending));
    }
}
