using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api.OpenApi;
using static BabySea.Appliance.Api.Admin.AdminEndpoints;

namespace BabySea.Appliance.Api.Admin;

/// <summary>The operator's API under <c>/admin/v1</c>, behind the admin token; the same operations as the CLI verbs.</summary>
public static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").RequireAdminToken();
        admin.MapPost("/accounts", CreateAccountAsync).Takes<AdminCreateAccountBody>().Returns<AdminAccountData>();
        admin.MapPost("/backup", BackupAsync).Takes<AdminBackupBody>().Returns<AdminBackupData>();
        admin.MapPost("/retention/sweep", async (BabySea.Appliance.Billing.RetentionSweep sweep, CancellationToken ct)
            => ApiResults.Ok(AdminRetentionSweptData.From(await sweep.SweepAsync(ct)), AppJsonContext.Default.AdminRetentionSweptData, "Retention applied"))
            .Returns<AdminRetentionSweptData>();
        admin.MapGet("/accounts", async (AccountAdmin a, CancellationToken ct) => ApiResults.Ok(await a.ListAccountsAsync(ct), AppJsonContext.Default.AdminAccountsData, "Accounts retrieved")).Returns<AdminAccountsData>();
        admin.MapPost("/accounts/{accountId}/plan", SetPlanAsync).Takes<AdminPlanBody>().Returns<AdminAccountData>();
        admin.MapPost("/accounts/{accountId}/keys", CreateKeyAsync).Takes<AdminCreateKeyBody>().Returns<AdminKeyCreatedData>();
        admin.MapGet("/accounts/{accountId}/keys", async (string accountId, AccountAdmin a, CancellationToken ct) => Answer(await a.ListKeysAsync(accountId, ct), AppJsonContext.Default.AdminKeysData, "Keys retrieved")).Returns<AdminKeysData>();
        admin.MapPost("/keys/{keyId}/revoke", async (string keyId, AccountAdmin a, CancellationToken ct)
            => Answer(await a.RevokeKeyAsync(keyId, ct), AppJsonContext.Default.AdminKeyData, "Key revoked")).Returns<AdminKeyData>();
        admin.MapPost("/accounts/{accountId}/credits", AddCreditsAsync).Takes<AdminCreditsBody>().Returns<AdminLedgerEntryData>();
        admin.MapPost("/accounts/{accountId}/credit-packs", AddCreditPackAsync).Takes<AdminCreditPackBody>().Returns<AdminLedgerEntryData>();
        admin.MapGet("/accounts/{accountId}/alerts", async (string accountId, AccountAdmin a, CancellationToken ct) => Answer(await a.AlertsAsync(accountId, ct), AppJsonContext.Default.AdminAlertsData, "Alerts retrieved")).Returns<AdminAlertsData>();
        admin.MapPut("/accounts/{accountId}/alerts", SetAlertsAsync).Takes<AdminAlertsBody>().Returns<AdminAlertsData>();
        admin.MapGet("/accounts/{accountId}/activity", async (string accountId, AccountAdmin a, CancellationToken ct) => Answer(await a.ActivityAsync(accountId, ct), AppJsonContext.Default.AdminActivityData, "Activity retrieved")).Returns<AdminActivityData>();
    }

    private static async Task<IResult> BackupAsync(HttpContext http, BabySea.Appliance.Storage.IStorageBackup backup, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminBackupBody);
        if (error is not null) return error;
        if (body!.To is not { Length: > 0 } to || !Path.IsPathFullyQualified(to))
            return ApiError.Field("to", "to must be an absolute path to an empty or new folder.");
        if (Directory.Exists(to) && Directory.EnumerateFileSystemEntries(to).Any()) return ApiError.Field("to", "The folder is not empty.");
        long documents;
        try
        {
            documents = await backup.BackupAsync(to, ct);
        }
        catch (NotSupportedException ex)
        {
            // The engine has no copy of its own to make (PostgreSQL: pg_dump does it); its message says what to use.
            return new ApiError(BseCode.InvalidInput, ex.Message);
        }
        return ApiResults.Ok(new AdminBackupData(to, documents), AppJsonContext.Default.AdminBackupData, "Backup written");
    }

    private static async Task<IResult> CreateAccountAsync(HttpContext http, AccountAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminCreateAccountBody);
        return error ?? Answer(await admin.CreateAccountAsync(body!.Name, body.Plan, ct), AppJsonContext.Default.AdminAccountData, "Account created");
    }

    private static async Task<IResult> SetPlanAsync(HttpContext http, string accountId, AccountAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminPlanBody);
        return error ?? Answer(await admin.SetPlanAsync(accountId, body!.Plan, ct), AppJsonContext.Default.AdminAccountData, "Plan changed");
    }

    private static async Task<IResult> CreateKeyAsync(HttpContext http, string accountId, AccountAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminCreateKeyBody);
        return error ?? Answer(await admin.CreateKeyAsync(accountId, body!, ct), AppJsonContext.Default.AdminKeyCreatedData, "Key created; it is shown only once");
    }

    private static async Task<IResult> AddCreditsAsync(HttpContext http, string accountId, AccountAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminCreditsBody);
        return error ?? Answer(await admin.AddCreditsAsync(accountId, body!.Amount, body.Description, ct), AppJsonContext.Default.AdminLedgerEntryData, "Credits added");
    }

    private static async Task<IResult> AddCreditPackAsync(HttpContext http, string accountId, AccountAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminCreditPackBody);
        return error ?? Answer(await admin.AddCreditPackAsync(accountId, body!.Amount, ct), AppJsonContext.Default.AdminLedgerEntryData, "Credit pack added");
    }

    private static async Task<IResult> SetAlertsAsync(HttpContext http, string accountId, AccountAdmin admin, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http, AppJsonContext.Default.AdminAlertsBody);
        return error ?? Answer(await admin.SetAlertsAsync(accountId, body!, ct), AppJsonContext.Default.AdminAlertsData, "Alerts updated");
    }
}
