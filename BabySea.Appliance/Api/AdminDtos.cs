namespace BabySea.Appliance.Api;

// Admin API and CLI payloads (snake_case via AppJsonContext).

public sealed record AdminAccountData(string AccountId, string AccountName, string Plan, decimal CreditBalance, string CreatedAt);

public sealed record AdminAccountsData(IReadOnlyList<AdminAccountData> Accounts);

public sealed record AdminKeyData(string ApikeyId, string AccountId, string ApikeyName, string ApikeyPrefix, IReadOnlyList<string> Scopes,
    string Status, string? ExpiresAt, IReadOnlyList<string> IpAllowlist, string CreatedAt, string? LastUsedAt);

/// <summary>The one time a raw key is shown: on creation.</summary>
public sealed record AdminKeyCreatedData(AdminKeyData Key, string ApiKey);

public sealed record AdminKeysData(IReadOnlyList<AdminKeyData> Keys);

public sealed record AdminLedgerEntryData(string EntryId, string AccountId, string Type, decimal Amount, decimal Delta,
    decimal BalanceAfter, string? GenerationId, string Description, string CreatedAt);

public sealed record AdminCreateAccountBody(string? Name, string? Plan);

public sealed record AdminCreateKeyBody(string? Name, string? Preset, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt,
    IReadOnlyList<string>? IpAllowlist);

public sealed record AdminCreditsBody(decimal? Amount, string? Description);

public sealed record AdminPlanBody(string? Plan);

public sealed record AdminBackupBody(string? To);

public sealed record AdminBackupData(string To, long Documents);

public sealed record AdminRetentionSweptData(int OutputFiles, int Generations, int RequestLogs, int WebhookDeliveries, int Activity, int LedgerFolded,
    int HourRollups)
{
    public static AdminRetentionSweptData From(BabySea.Appliance.Billing.RetentionSwept s)
        => new(s.OutputFiles, s.Generations, s.RequestLogs, s.WebhookDeliveries, s.Activity, s.LedgerFolded, s.HourRollups);
}

public sealed record AdminAlertsData(string AccountId, bool Enabled, IReadOnlyList<decimal> Thresholds, bool Custom, IReadOnlyList<decimal> Fired);

/// <summary><c>thresholds</c> null or absent restores the default ($0.500).</summary>
public sealed record AdminAlertsBody(bool? Enabled, IReadOnlyList<decimal>? Thresholds);

public sealed record AdminActivityEntryData(string Category, string Action, string Description, string At);

public sealed record AdminActivityData(IReadOnlyList<AdminActivityEntryData> Entries);

public sealed record AdminCreditPackBody(decimal? Amount);

/// <summary>What <c>migrate</c> copied, per table, and the verify of each side.</summary>
public sealed record MigrateData(IReadOnlyDictionary<string, long> Copied, VerifyData Source, VerifyData Target);

public sealed record VerifyData(bool Ok, int AccountsChecked, int GenerationsChecked, int EntriesChecked, IReadOnlyList<string> Violations,
    bool RollupsRecounted);
