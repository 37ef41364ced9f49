using BabySea.Appliance.Accounts;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api.Auth;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Billing;

namespace BabySea.Appliance.Api.V1;

/// <summary>Identity, profile, billing and usage of the calling account.</summary>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireScope(Scopes.AccountRead);
        v1.MapGet("/status", Status).WithName("Status").Returns<StatusData>();
        v1.MapGet("/user/account", AccountProfile).WithName("UserAccount").Returns<AccountData>();
        v1.MapGet("/user/billing", BillingAsync).WithName("UserBilling").Returns<BillingData>();
        v1.MapGet("/usage", UsageAsync).WithName("Usage").Returns<UsageData>();
    }

    private static IResult Status(HttpContext http)
    {
        var (account, key) = Caller.From(http);
        return ApiResults.Ok(new StatusData(account.Id, key.Id, key.Name, key.Prefix, Timestamps.Format(key.CreatedAt),
            Timestamps.Format(key.LastUsedAt), Timestamps.Format(key.ExpiresAt)), AppJsonContext.Default.StatusData, "API connected successfully");
    }

    private static IResult AccountProfile(HttpContext http)
    {
        var account = Caller.From(http).Account;
        return ApiResults.Ok(new AccountData(account.Id, account.Name, null, false, null, Timestamps.Format(account.CreatedAt)),
            AppJsonContext.Default.AccountData, "User account data retrieved successfully");
    }

    private static async Task<IResult> BillingAsync(HttpContext http, PlanCatalog plans, BillingPeriods periods, IAccountStore accounts, CancellationToken ct)
    {
        var account = await Caller.From(http).CurrentAccountAsync(accounts, ct);
        var plan = plans.Get(account.Plan);
        var (start, end) = periods.Current(account);
        return ApiResults.Ok(new BillingData(account.Id, plan.Name, account.Balance, "active", false, "USD",
                Timestamps.Format(start), Timestamps.Format(end), Timestamps.Format(account.CreatedAt), Timestamps.Format(account.UpdatedAt)),
            AppJsonContext.Default.BillingData, "User billing data retrieved successfully");
    }

    private static async Task<IResult> UsageAsync(HttpContext http, UsageReport usage, IAccountStore accounts, string? days, CancellationToken ct)
    {
        if (!QueryInt.TryRead(days, "days", 30, 1, 90, out var period, out var error)) return error!;
        var account = await Caller.From(http).CurrentAccountAsync(accounts, ct);
        return ApiResults.Ok(await usage.BuildAsync(account.Id, account.Balance, period, ct), AppJsonContext.Default.UsageData,
            "Usage data retrieved successfully");
    }
}
