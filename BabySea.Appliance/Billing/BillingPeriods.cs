using BabySea.Appliance.Accounts;

namespace BabySea.Appliance.Billing;

/// <summary>Monthly periods anchored on the account's creation day.</summary>
public sealed class BillingPeriods(TimeProvider time)
{
    public (DateTimeOffset Start, DateTimeOffset End) Current(Account account)
    {
        var now = time.GetUtcNow();
        var start = account.CreatedAt;
        var months = (now.Year - start.Year) * 12 + now.Month - start.Month;
        if (start.AddMonths(months) > now) months--;
        var periodStart = start.AddMonths(Math.Max(0, months));
        return (periodStart, periodStart.AddMonths(1));
    }
}
