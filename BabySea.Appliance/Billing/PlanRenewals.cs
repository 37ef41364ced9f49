using System.Globalization;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Hosting;
using Cronos;

namespace BabySea.Appliance.Billing;

/// <summary>
/// Grants each paid plan's monthly credits once per billing period (<c>Billing:RenewalSchedule</c>, default every
/// 15 minutes). Grants add to what is left, never reset it. The grant key names account and period, so a run that
/// repeats, overlaps or follows a crash grants nothing twice.
/// </summary>
public sealed class PlanRenewals(IAccountStore accounts, ILedgerStore ledger, PlanCatalog plans, BillingPeriods periods,
    IConfiguration config, ILogger<PlanRenewals> log) : ICronJob
{
    public string Name => "plan-renewals";

    public CronExpression Schedule { get; } = CronScheduler.Parse("Billing:RenewalSchedule", config["Billing:RenewalSchedule"] ?? "*/15 * * * *");

    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var account in await accounts.ListAccountsAsync(ct))
        {
            var plan = plans.Get(account.Plan);
            if (plan.MonthlyCredits <= 0) continue;
            var (start, _) = periods.Current(account);
            var period = start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var grant = await ledger.GrantOnceAsync(account.Id, plan.MonthlyCredits, $"renewal:{account.Id}:{period}",
                $"Subscription renewal {plan.Name} {period}", ct);
            if (grant is not null)
                log.LogInformation("Granted {Credits} credits to {AccountId} for the {Plan} period starting {Period}", plan.MonthlyCredits, account.Id, plan.Id, period);
        }
    }
}
