using BabySea.Appliance.Billing;

namespace BabySea.Appliance.Accounts;

/// <summary>Accounts and their keys. Creating an account and granting its first credit is one write.</summary>
public interface IAccountStore
{
    Task<Account> CreateAccountAsync(string name, string plan, decimal initialCredit, string creditDescription, CancellationToken ct);
    Account? FindAccount(string accountId);
    IReadOnlyList<Account> ListAccounts();
    bool AnyAccount();
    Task<Account?> SetPlanAsync(string accountId, string plan, CancellationToken ct);

    /// <summary>Sets the account's low-balance alerts (null thresholds: back to the default). Thresholds the balance is
    /// already below count as fired, so changing settings never fires an alert by itself.</summary>
    Task<LowBalanceAlerts.Settings?> SetAlertsAsync(string accountId, bool enabled, IReadOnlyList<decimal>? thresholds, CancellationToken ct);
    (LowBalanceAlerts.Settings Settings, IReadOnlyList<decimal> Fired)? Alerts(string accountId);
    IReadOnlyList<ActivityEntry> Activity(string accountId);

    Task InsertKeyAsync(ApiKey key, CancellationToken ct);
    ApiKey? FindKeyByHash(string hash);
    IReadOnlyList<ApiKey> ListKeys(string accountId);
    Task<ApiKey?> RevokeKeyAsync(string keyId, CancellationToken ct);
    Task TouchKeyAsync(string keyId, DateTimeOffset usedAt, CancellationToken ct);
}
