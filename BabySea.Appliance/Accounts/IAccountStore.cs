using BabySea.Appliance.Billing;

namespace BabySea.Appliance.Accounts;

/// <summary>Accounts and their keys. Creating an account and granting its first credit is one write.</summary>
public interface IAccountStore
{
    Task<Account> CreateAccountAsync(string name, string plan, decimal initialCredit, string creditDescription, CancellationToken ct);
    Task<Account?> FindAccountAsync(string accountId, CancellationToken ct);
    Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken ct);
    Task<bool> AnyAccountAsync(CancellationToken ct);
    Task<Account?> SetPlanAsync(string accountId, string plan, CancellationToken ct);

    /// <summary>Sets the account's low-balance alerts (null thresholds: back to the default). Thresholds the balance is
    /// already below count as fired, so changing settings never fires an alert by itself.</summary>
    Task<LowBalanceAlerts.Settings?> SetAlertsAsync(string accountId, bool enabled, IReadOnlyList<decimal>? thresholds, CancellationToken ct);
    Task<(LowBalanceAlerts.Settings Settings, IReadOnlyList<decimal> Fired)?> AlertsAsync(string accountId, CancellationToken ct);
    Task<IReadOnlyList<ActivityEntry>> ActivityAsync(string accountId, CancellationToken ct);

    Task InsertKeyAsync(ApiKey key, CancellationToken ct);
    Task<ApiKey?> FindKeyByHashAsync(string hash, CancellationToken ct);
    Task<IReadOnlyList<ApiKey>> ListKeysAsync(string accountId, CancellationToken ct);
    Task<ApiKey?> RevokeKeyAsync(string keyId, CancellationToken ct);
    Task TouchKeyAsync(string keyId, DateTimeOffset usedAt, CancellationToken ct);
}
