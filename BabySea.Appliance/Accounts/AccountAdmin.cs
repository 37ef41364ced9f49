using System.Net;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;

namespace BabySea.Appliance.Accounts;

/// <summary>The operator's operations on accounts, keys and credits, shared by the admin API and the CLI verbs.</summary>
public sealed class AccountAdmin(IAccountStore accounts, ILedgerStore ledger, PlanCatalog plans, CredentialCache credentials, TimeProvider time)
{
    private const int MaxNameLength = 100;
    private const int MaxAllowlist = 50;

    public async Task<(AdminAccountData? Data, ApiError? Error)> CreateAccountAsync(string? name, string? plan, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength) return (null, ApiError.Field("name", $"name is required, at most {MaxNameLength} characters."));
        var chosen = plan is null ? plans.DefaultPlan : plans.Find(plan);
        if (chosen is null) return (null, UnknownPlan(plan!));
        var account = await accounts.CreateAccountAsync(name.Trim(), chosen.Id, chosen.WelcomeCredits, "Welcome credits", ct);
        return (View(account), null);
    }

    public async Task<AdminAccountsData> ListAccountsAsync(CancellationToken ct) => new((await accounts.ListAccountsAsync(ct)).Select(View).ToArray());

    public async Task<(AdminAccountData? Data, ApiError? Error)> SetPlanAsync(string accountId, string? plan, CancellationToken ct)
    {
        if (plan is null || plans.Find(plan) is not { } chosen) return (null, UnknownPlan(plan ?? ""));
        var account = await accounts.SetPlanAsync(accountId, chosen.Id, ct);
        credentials.ForgetAccount(accountId);
        return account is not null ? (View(account), null) : (null, AccountMissing(accountId));
    }

    public async Task<(AdminKeyCreatedData? Data, ApiError? Error)> CreateKeyAsync(string accountId, AdminCreateKeyBody body, CancellationToken ct,
        string? rawKey = null)
    {
        if (await accounts.FindAccountAsync(accountId, ct) is null) return (null, AccountMissing(accountId));
        var name = string.IsNullOrWhiteSpace(body.Name) ? "API key" : body.Name.Trim();
        if (name.Length > MaxNameLength) return (null, ApiError.Field("name", $"name is at most {MaxNameLength} characters."));

        IReadOnlyList<string> scopes;
        if (body.Scopes is { Count: > 0 } custom)
        {
            if (body.Preset is not null) return (null, ApiError.Field("scopes", "Give either preset or scopes, not both."));
            if (custom.FirstOrDefault(s => !Scopes.All.Contains(s)) is { } bad)
                return (null, ApiError.Field("scopes", $"Unknown scope '{bad}'; scopes are {string.Join(", ", Scopes.All)}."));
            scopes = custom.Distinct().ToArray();
        }
        else if (Scopes.Presets.TryGetValue(body.Preset ?? "full_access", out var preset)) scopes = preset;
        else return (null, ApiError.Field("preset", $"Unknown preset '{body.Preset}'; presets are {string.Join(", ", Scopes.Presets.Keys)}."));

        var allowlist = body.IpAllowlist ?? [];
        if (allowlist.Count > MaxAllowlist) return (null, ApiError.Field("ip_allowlist", $"At most {MaxAllowlist} addresses."));
        if (allowlist.FirstOrDefault(ip => !IPAddress.TryParse(ip, out _)) is { } badIp)
            return (null, ApiError.Field("ip_allowlist", $"'{badIp}' is not an IPv4 or IPv6 address."));
        var now = time.GetUtcNow();
        if (body.ExpiresAt is { } expires && expires <= now) return (null, ApiError.Field("expires_at", "expires_at must be in the future."));

        var key = rawKey ?? ApiKeyMaterial.NewKey();
        if (!ApiKeyMaterial.LooksValid(key)) return (null, ApiError.Field("api_key", "An API key is bye_ followed by URL-safe base64."));
        var record = new ApiKey(Guid.CreateVersion7().ToString(), accountId, name, ApiKeyMaterial.Prefix(key), ApiKeyMaterial.Hash(key), scopes,
            false, body.ExpiresAt, allowlist.Select(ip => IPAddress.Parse(ip).ToString()).ToArray(), now, null);
        await accounts.InsertKeyAsync(record, ct);
        return (new AdminKeyCreatedData(View(record), key), null);
    }

    public async Task<(AdminKeysData? Data, ApiError? Error)> ListKeysAsync(string accountId, CancellationToken ct)
        => await accounts.FindAccountAsync(accountId, ct) is null ? (null, AccountMissing(accountId))
            : (new AdminKeysData((await accounts.ListKeysAsync(accountId, ct)).Select(View).ToArray()), null);

    public async Task<(AdminKeyData? Data, ApiError? Error)> RevokeKeyAsync(string keyId, CancellationToken ct)
    {
        var key = await accounts.RevokeKeyAsync(keyId, ct);
        credentials.ForgetKey(keyId);
        return key is not null ? (View(key), null)
            : (null, new ApiError(BseCode.AuthenticationFailed, $"No API key '{keyId}'.").With("apikey_id", keyId));
    }

    /// <summary>Revokes a key of <paramref name="accountId"/> only: another account's key is not found, whatever its id.</summary>
    public async Task<(AdminKeyData? Data, ApiError? Error)> RevokeKeyAsync(string accountId, string keyId, CancellationToken ct)
        => (await accounts.ListKeysAsync(accountId, ct)).Any(k => k.Id == keyId)
            ? await RevokeKeyAsync(keyId, ct)
            : (null, new ApiError(BseCode.RouteNotFound, $"No API key '{keyId}' on this account.").With("apikey_id", keyId));

    public async Task<(AdminLedgerEntryData? Data, ApiError? Error)> AddCreditsAsync(string accountId, decimal? amount, string? description, CancellationToken ct)
    {
        if (amount is not { } value || value <= 0 || !Credits.HasValidScale(value) || value > 1_000_000m)
            return (null, ApiError.Field("amount", "amount must be a positive number of credits with at most 3 decimals (up to 1,000,000)."));
        var entry = await ledger.AddCreditsAsync(accountId, value, string.IsNullOrWhiteSpace(description) ? "Manual credit" : description.Trim(), ct);
        return entry is null ? (null, AccountMissing(accountId)) : (View(entry), null);
    }

    public async Task<(AdminAlertsData? Data, ApiError? Error)> SetAlertsAsync(string accountId, AdminAlertsBody body, CancellationToken ct)
    {
        if (body.Thresholds is { } list)
        {
            if (list.Count > LowBalanceAlerts.MaxThresholds)
                return (null, ApiError.Field("thresholds", $"At most {LowBalanceAlerts.MaxThresholds} thresholds."));
            if (list.Any(t => t <= 0 || !Credits.HasValidScale(t)))
                return (null, ApiError.Field("thresholds", "Thresholds are positive amounts with at most 3 decimals."));
        }
        var current = await accounts.AlertsAsync(accountId, ct);
        if (current is null) return (null, AccountMissing(accountId));
        var thresholds = body.Thresholds?.Distinct().OrderByDescending(t => t).ToArray();
        await accounts.SetAlertsAsync(accountId, body.Enabled ?? current.Value.Settings.Enabled, thresholds, ct);
        return await AlertsAsync(accountId, ct);
    }

    public async Task<(AdminAlertsData? Data, ApiError? Error)> AlertsAsync(string accountId, CancellationToken ct)
        => await accounts.AlertsAsync(accountId, ct) is { } a
            ? (new AdminAlertsData(accountId, a.Settings.Enabled, a.Settings.Thresholds, a.Settings.Custom, a.Fired), null)
            : (null, AccountMissing(accountId));

    public async Task<(AdminActivityData? Data, ApiError? Error)> ActivityAsync(string accountId, CancellationToken ct)
        => await accounts.FindAccountAsync(accountId, ct) is null ? (null, AccountMissing(accountId))
            : (new AdminActivityData((await accounts.ActivityAsync(accountId, ct)).Select(e => new AdminActivityEntryData(e.Category, e.Action, e.Description,
                Timestamps.Format(e.At))).ToArray()), null);

    /// <summary>Credit packs (reference §6.2): fixed sizes, for accounts on a paid plan.</summary>
    public async Task<(AdminLedgerEntryData? Data, ApiError? Error)> AddCreditPackAsync(string accountId, decimal? amount, CancellationToken ct)
    {
        if (await accounts.FindAccountAsync(accountId, ct) is not { } account) return (null, AccountMissing(accountId));
        if (amount is not { } size || !plans.CreditPacks.Contains(size))
            return (null, ApiError.Field("amount", $"Credit packs are {string.Join(", ", plans.CreditPacks)} credits."));
        if (plans.Get(account.Plan).MonthlyCredits <= 0)
            return (null, ApiError.Field("plan", "Credit packs need an active paid plan."));
        return await AddCreditsAsync(accountId, size, $"Credit pack {size:0} ({account.Plan})", ct);
    }

    private static AdminAccountData View(Account a) => new(a.Id, a.Name, a.Plan, a.Balance, Timestamps.Format(a.CreatedAt));

    public AdminKeyData View(ApiKey k) => new(k.Id, k.AccountId, k.Name, k.Prefix, k.Scopes, k.StatusAt(time.GetUtcNow()),
        Timestamps.Format(k.ExpiresAt), k.IpAllowlist, Timestamps.Format(k.CreatedAt), Timestamps.Format(k.LastUsedAt));

    private static AdminLedgerEntryData View(LedgerEntry e) => new(e.Id, e.AccountId, e.Type.ToString().ToLowerInvariant(), e.Amount, e.Delta,
        e.BalanceAfter, e.GenerationId, e.Description, Timestamps.Format(e.CreatedAt));

    private static ApiError AccountMissing(string id) => new ApiError(BseCode.AccountNotFound, $"No account '{id}'.").With("account_id", id);

    private ApiError UnknownPlan(string plan)
        => ApiError.Field("plan", $"Unknown plan '{plan}'; plans are {string.Join(", ", plans.All.Select(p => p.Id))}.");
}
