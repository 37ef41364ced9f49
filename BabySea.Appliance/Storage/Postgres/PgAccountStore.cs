using System.Globalization;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Billing;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

public sealed class PgAccountStore(PgDatabase db, TimeProvider time) : IAccountStore
{
    private const string AccountColumns = "id, name, plan, balance, created_at, updated_at";
    private const string KeyColumns = "id, account_id, name, prefix, hash, scopes, revoked, expires_at, ip_allowlist, created_at, last_used_at";

    public Task<Account> CreateAccountAsync(string name, string plan, decimal initialCredit, string creditDescription, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            var now = time.GetUtcNow();
            var id = Guid.CreateVersion7().ToString();
            await tx.Command("INSERT INTO accounts (id, name, plan, balance, created_at, updated_at) VALUES ($1, $2, $3, 0, $4, $4)", id, name, plan, now).RunAsync();
            if (initialCredit > 0) await PgLedgerRows.ApplyAsync(tx, new LedgerMovement(id, LedgerType.Add, initialCredit, null, creditDescription), now);
            return (await tx.Command($"SELECT {AccountColumns} FROM accounts WHERE id = $1", id).FirstAsync(AccountFrom))!;
        });

    public Task<Account?> FindAccountAsync(string accountId, CancellationToken ct)
        => db.ReadAsync(c => c.Command($"SELECT {AccountColumns} FROM accounts WHERE id = $1", accountId).FirstAsync(AccountFrom, ct), ct);

    public async Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken ct)
        => await db.ReadAsync(c => c.Command($"SELECT {AccountColumns} FROM accounts ORDER BY created_at, id").ListAsync(AccountFrom, ct), ct);

    public Task<bool> AnyAccountAsync(CancellationToken ct)
        => db.ReadAsync(c => c.Command("SELECT EXISTS (SELECT 1 FROM accounts)").ScalarAsync<bool>(ct), ct);

    public Task<Account?> SetPlanAsync(string accountId, string plan, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            if (await tx.Command("SELECT plan FROM accounts WHERE id = $1 FOR UPDATE", accountId).FirstAsync(r => r.GetString(0)) is not { } before) return null;
            var now = time.GetUtcNow();
            var account = await tx.Command($"UPDATE accounts SET plan = $2, updated_at = $3 WHERE id = $1 RETURNING {AccountColumns}", accountId, plan, now)
                .FirstAsync(AccountFrom);
            if (before != plan) await PgActivityRows.AddAsync(tx, accountId, "subscription", "plan_changed", $"Plan changed from {before} to {plan}", now);
            return account;
        });

    public Task<LowBalanceAlerts.Settings?> SetAlertsAsync(string accountId, bool enabled, IReadOnlyList<decimal>? thresholds, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            if (await PgLedgerRows.LockAccountAsync(tx, accountId) is not { } account) return null;
            var settings = thresholds is null ? new LowBalanceAlerts.Settings(enabled, LowBalanceAlerts.DefaultThresholds, false)
                : new LowBalanceAlerts.Settings(enabled, thresholds, true);
            // Thresholds the balance is already below count as fired, so changing settings never fires an alert by itself.
            await tx.Command("UPDATE accounts SET alerts_enabled = $2, alert_thresholds = $3, alerts_fired = $4 WHERE id = $1", accountId, enabled,
                thresholds?.ToArray(), settings.Thresholds.Where(t => account.Balance < t).ToArray()).RunAsync();
            await PgActivityRows.AddAsync(tx, accountId, "notification", "alerts_updated", string.Create(CultureInfo.InvariantCulture,
                $"Low-balance alerts {(enabled ? "on" : "off")} at {string.Join(", ", settings.Thresholds.Select(t => t.ToString("0.000", CultureInfo.InvariantCulture)))}"),
                time.GetUtcNow());
            return settings;
        });

    public async Task<(LowBalanceAlerts.Settings Settings, IReadOnlyList<decimal> Fired)?> AlertsAsync(string accountId, CancellationToken ct)
    {
        var rows = await db.ReadAsync(c => c.Command("SELECT alerts_enabled, alert_thresholds, alerts_fired FROM accounts WHERE id = $1", accountId)
            .ListAsync(r => (PgLedgerRows.AlertSettings(r, 0), (IReadOnlyList<decimal>)r.Decimals(2)), ct), ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ActivityEntry>> ActivityAsync(string accountId, CancellationToken ct)
        => await db.ReadAsync(c => c.Command("SELECT category, action, description, at FROM activity WHERE account_id = $1 ORDER BY seq", accountId)
            .ListAsync(r => new ActivityEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3)), ct), ct);

    public Task InsertKeyAsync(ApiKey key, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            await tx.Command($"INSERT INTO api_keys ({KeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", key.Id, key.AccountId, key.Name,
                key.Prefix, key.Hash, key.Scopes.ToArray(), key.Revoked, key.ExpiresAt, key.IpAllowlist.ToArray(), key.CreatedAt, key.LastUsedAt).RunAsync();
            await PgActivityRows.AddAsync(tx, key.AccountId, "api_key", "created", $"Key '{key.Name}' ({key.Prefix}) created with {string.Join(" ", key.Scopes)}",
                key.CreatedAt);
            return true;
        });

    public Task<ApiKey?> FindKeyByHashAsync(string hash, CancellationToken ct)
        => db.ReadAsync(c => c.Command($"SELECT {KeyColumns} FROM api_keys WHERE hash = $1", hash).FirstAsync(KeyFrom, ct), ct);

    public async Task<IReadOnlyList<ApiKey>> ListKeysAsync(string accountId, CancellationToken ct)
        => await db.ReadAsync(c => c.Command($"SELECT {KeyColumns} FROM api_keys WHERE account_id = $1 ORDER BY created_at, id", accountId).ListAsync(KeyFrom, ct), ct);

    public Task<ApiKey?> RevokeKeyAsync(string keyId, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            if (await tx.Command("SELECT revoked FROM api_keys WHERE id = $1 FOR UPDATE", keyId).ListAsync(r => r.GetBoolean(0)) is not [var wasRevoked]) return null;
            var key = await tx.Command($"UPDATE api_keys SET revoked = true WHERE id = $1 RETURNING {KeyColumns}", keyId).FirstAsync(KeyFrom);
            if (!wasRevoked) await PgActivityRows.AddAsync(tx, key!.AccountId, "api_key", "revoked", $"Key '{key.Name}' ({key.Prefix}) revoked", time.GetUtcNow());
            return key;
        });

    public Task TouchKeyAsync(string keyId, DateTimeOffset usedAt, CancellationToken ct)
        => db.WriteAsync(tx => tx.Command("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", keyId, usedAt).RunAsync());

    private static Account AccountFrom(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDecimal(3), r.Time(4), r.Time(5));

    private static ApiKey KeyFrom(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.Strings(5), r.GetBoolean(6), r.OptTime(7), r.Strings(8),
        r.Time(9), r.OptTime(10));
}
