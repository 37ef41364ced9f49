using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api.Auth;
using BabySea.Appliance.Api.OpenApi;
using static BabySea.Appliance.Api.Admin.AdminEndpoints;

namespace BabySea.Appliance.Api.V1;

/// <summary>
/// The calling account's own API keys, activity feed and low-balance alerts: what the admin API offers the operator
/// per account, offered to the account itself. Reading needs <c>account:read</c>; a change needs a key holding every
/// scope (the <c>full_access</c> preset), so a narrower key can never mint itself a wider one or silence alerts.
/// </summary>
public static class AccountSettingsApi
{
    /// <summary>Account changes (keys, webhooks, alerts) need a full-access key.</summary>
    public static readonly IReadOnlyList<string> ManageScopes = Scopes.All;

    public static void MapAccountSettingsApi(this IEndpointRouteBuilder app)
    {
        // Any valid key may learn its own name and scopes, so a client can tell what it is allowed to do.
        app.MapGet("/v1/keys/self", (HttpContext http, AccountAdmin a) => ApiResults.Ok(a.View(Caller.From(http).Key), AppJsonContext.Default.AdminKeyData,
            "Key retrieved")).RequireScopes([]).Returns<AdminKeyData>();

        var read = app.MapGroup("/v1").RequireScope(Scopes.AccountRead);
        read.MapGet("/keys", async (HttpContext http, AccountAdmin a, CancellationToken ct) => Answer(await a.ListKeysAsync(Account(http), ct), AppJsonContext.Default.AdminKeysData, "Keys retrieved")).Returns<AdminKeysData>();
        read.MapGet("/activity", async (HttpContext http, AccountAdmin a, CancellationToken ct) => Answer(await a.ActivityAsync(Account(http), ct), AppJsonContext.Default.AdminActivityData, "Activity retrieved")).Returns<AdminActivityData>();
        read.MapGet("/alerts", async (HttpContext http, AccountAdmin a, CancellationToken ct) => Answer(await a.AlertsAsync(Account(http), ct), AppJsonContext.Default.AdminAlertsData, "Alerts retrieved")).Returns<AdminAlertsData>();

        var manage = app.MapGroup("/v1").RequireScopes(ManageScopes);
        manage.MapPost("/keys", CreateKeyAsync).Takes<AdminCreateKeyBody>().Returns<AdminKeyCreatedData>();
        manage.MapPost("/keys/{keyId}/revoke", async (HttpContext http, string keyId, AccountAdmin a, CancellationToken ct)
            => Answer(await a.RevokeKeyAsync(Account(http), keyId, ct), AppJsonContext.Default.AdminKeyData, "Key revoked")).Returns<AdminKeyData>();
        manage.MapPut("/alerts", SetAlertsAsync).Takes<AdminAlertsBody>().Returns<AdminAlertsData>();
    }

    private static string Account(HttpContext http) => Caller.From(http).Account.Id;

    private static async Task<IResult> CreateKeyAsync(HttpContext http, AccountAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminCreateKeyBody);
        return error ?? Answer(await admin.CreateKeyAsync(Account(http), body!, ct), AppJsonContext.Default.AdminKeyCreatedData, "Key created; it is shown only once");
    }

    private static async Task<IResult> SetAlertsAsync(HttpContext http, AccountAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminAlertsBody);
        return error ?? Answer(await admin.SetAlertsAsync(Account(http), body!, ct), AppJsonContext.Default.AdminAlertsData, "Alerts updated");
    }
}
