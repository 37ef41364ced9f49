using BabySea.Appliance.Accounts;
using BabySea.Appliance.Hosting;
using Cronos;

namespace BabySea.Appliance.Billing;

/// <summary>
/// Applies each account's plan retention (<c>Retention:SweepSchedule</c>, default hourly at minute 17) in batches of
/// <c>Retention:BatchSize</c> rows per category (default 500), each batch its own short write, until nothing is left.
/// </summary>
public sealed class RetentionSweep(IAccountStore accounts, PlanCatalog plans, IRetentionStore store, TimeProvider time, IConfiguration config,
    ILogger<RetentionSweep> log) : ICronJob
{
    // Its range is checked at start with the rest of the section (Hosting/SettingsSections).
    private readonly int _batch = int.TryParse(config["Retention:BatchSize"], out var b) ? b : 500;

    public string Name => "retention-sweep";

    public CronExpression Schedule { get; } = CronScheduler.Parse("Retention:SweepSchedule", config["Retention:SweepSchedule"] ?? "17 * * * *");

    public Task RunAsync(CancellationToken ct) => SweepAsync(ct);

    /// <summary>Applies every account's retention now; what went, added up. Also the operator's <c>POST /admin/v1/retention/sweep</c>.</summary>
    public async Task<RetentionSwept> SweepAsync(CancellationToken ct)
    {
        var all = RetentionSwept.None;
        foreach (var account in await accounts.ListAccountsAsync(ct))
        {
            var cutoffs = plans.Get(account.Plan).Retention.Cutoffs(time.GetUtcNow());
            var total = RetentionSwept.None;
            for (var swept = await store.SweepAsync(account.Id, cutoffs, _batch, ct); swept.Total > 0; swept = await store.SweepAsync(account.Id, cutoffs, _batch, ct))
            {
                ct.ThrowIfCancellationRequested();
                total = total.Add(swept);
            }
            if (total.Total > 0)
                log.LogInformation("Retention for account {Account} ({Plan}): {Files} output sets, {Generations} generations, {Logs} request logs, " +
                    "{Deliveries} webhook deliveries, {Activity} activity records, {Hours} hour rollups removed; {Folded} ledger entries folded",
                    account.Id, account.Plan, total.OutputFiles, total.Generations, total.RequestLogs, total.WebhookDeliveries, total.Activity,
                    total.HourRollups, total.LedgerFolded);
            all = all.Add(total);
        }
        return all;
    }
}
