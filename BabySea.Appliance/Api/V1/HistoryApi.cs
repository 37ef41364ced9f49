using BabySea.Appliance.Accounts;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api.Admin;
using BabySea.Appliance.Api.Auth;
using BabySea.Appliance.Api.OpenApi;

namespace BabySea.Appliance.Api.V1;

/// <summary>Analytics, request logs and the credit ledger: the caller's under <c>/v1</c>, any account's under <c>/admin/v1</c>.</summary>
public static class HistoryApi
{
    public static void MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireScope(Scopes.AccountRead);
        v1.MapGet("/analytics", async (HttpContext http, HistoryViews views, string? period, CancellationToken ct)
            => Answer(await views.AnalyticsAsync(Caller.From(http).Account.Id, period, ct), AppJsonContext.Default.AnalyticsData, "Analytics retrieved successfully")).Returns<AnalyticsData>();
        v1.MapGet("/logs", async (HttpContext http, HistoryViews views, CancellationToken ct)
            => Answer(await views.LogsAsync(Caller.From(http).Account.Id, http.Request.Query, ct), AppJsonContext.Default.RequestLogPageData, "Request logs retrieved successfully")).Returns<RequestLogPageData>();
        v1.MapGet("/credits/ledger", async (HttpContext http, HistoryViews views, IAccountStore accounts, string? limit, string? cursor, CancellationToken ct)
            => Answer(await views.LedgerAsync(await Caller.From(http).CurrentAccountAsync(accounts, ct), limit, cursor, ct), AppJsonContext.Default.LedgerPageData,
                "Credit ledger retrieved successfully")).Returns<LedgerPageData>();

        var admin = app.MapGroup("/admin/v1/accounts/{accountId}").RequireAdminToken();
        admin.MapGet("/analytics", async (string accountId, IAccountStore accounts, HistoryViews views, string? period, CancellationToken ct)
            => await accounts.FindAccountAsync(accountId, ct) is null ? Missing(accountId)
                : Answer(await views.AnalyticsAsync(accountId, period, ct), AppJsonContext.Default.AnalyticsData, "Analytics retrieved")).Returns<AnalyticsData>();
        admin.MapGet("/logs", async (HttpContext http, string accountId, IAccountStore accounts, HistoryViews views, CancellationToken ct)
            => await accounts.FindAccountAsync(accountId, ct) is null ? Missing(accountId)
                : Answer(await views.LogsAsync(accountId, http.Request.Query, ct), AppJsonContext.Default.RequestLogPageData, "Request logs retrieved")).Returns<RequestLogPageData>();
        admin.MapGet("/ledger", async (string accountId, IAccountStore accounts, HistoryViews views, string? limit, string? cursor, CancellationToken ct)
            => await accounts.FindAccountAsync(accountId, ct) is not { } account ? Missing(accountId)
                : Answer(await views.LedgerAsync(account, limit, cursor, ct), AppJsonContext.Default.LedgerPageData, "Ledger retrieved")).Returns<LedgerPageData>();
    }

    private static IResult Answer<T>((T? Data, ApiError? Error) result, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string message) where T : class
        => AdminEndpoints.Answer(result, info, message);

    private static ApiError Missing(string accountId) => new ApiError(BseCode.AccountNotFound, $"No account '{accountId}'.").With("account_id", accountId);
}
