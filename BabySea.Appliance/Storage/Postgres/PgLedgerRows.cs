using System.Globalization;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Webhooks;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// Writes a decided ledger movement, the balance it changes and the low-balance alerts it fires, inside the transaction
/// of the change it pays for. The account row is locked first (<see cref="LockAccountAsync"/>), so movements of one
/// account are serialised across processes and the balance chain holds in entry order.
/// </summary>
internal static class PgLedgerRows
{
    public const string Columns = "seq, account_id, type, amount, delta, balance_after, generation_id, description, created_at";

    /// <summary>The account row, locked until the transaction ends; null when there is no such account.</summary>
    public static Task<LockedAccount?> LockAccountAsync(PgTransaction tx, string accountId)
        => tx.Command("SELECT balance, alerts_enabled, alert_thresholds, alerts_fired FROM accounts WHERE id = $1 FOR UPDATE", accountId)
            .FirstAsync(r => new LockedAccount(accountId, r.GetDecimal(0), AlertSettings(r, 1), r.Decimals(3)));

    public static async Task<LedgerEntry> ApplyAsync(PgTransaction tx, LedgerMovement movement, DateTimeOffset now, LockedAccount? locked = null)
    {
        var account = locked ?? await LockAccountAsync(tx, movement.AccountId)
            ?? throw new InvalidOperationException($"Account {movement.AccountId} does not exist.");
        var balance = movement.BalanceAfter(account.Balance);
        var (crossed, fired) = LowBalanceAlerts.Evaluate(account.Alerts, account.Fired, balance);
        await tx.Command("UPDATE accounts SET balance = $2, updated_at = $3, alerts_fired = $4 WHERE id = $1",
            movement.AccountId, balance, now, fired.ToArray()).RunAsync();
        account.Balance = balance;
        account.Fired = [.. fired];
        if (crossed.Count > 0)
        {
            await PgActivityRows.AddAsync(tx, movement.AccountId, "credit", "low_balance", LowBalanceAlerts.Describe(balance, crossed), now);
            await PgOutboxRows.StageAsync(tx, WebhookEvents.LowBalanceCrossed(movement.AccountId, balance, crossed), now);
        }
        var seq = await tx.Command("""
            INSERT INTO ledger (account_id, type, amount, delta, balance_after, generation_id, description, created_at, movement_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, 'grant:' || gen_random_uuid()::text)) RETURNING seq
            """, movement.AccountId, LedgerMovement.TypeName(movement.Type), movement.Amount, movement.Delta(), balance, movement.GenerationId,
            movement.Description, now, movement.GenerationId is { } g ? $"{g}:{LedgerMovement.TypeName(movement.Type)}" : movement.GrantKey).ScalarAsync<long>();
        var entry = new LedgerEntry(Id(seq), movement.AccountId, movement.Type, movement.Amount, movement.Delta(), balance, movement.GenerationId,
            movement.Description, now);
        tx.Count(RollupRules.ForLedger(entry));
        return entry;
    }

    public static Task<bool> GrantExistsAsync(PgTransaction tx, string grantKey)
        => tx.Command("SELECT EXISTS (SELECT 1 FROM ledger WHERE movement_key = $1)", grantKey).ScalarAsync<bool>();

    /// <summary>Entry ids are the sequence number in 24 hex digits (the shape of the embedded engine's ids), so id order, as text too, is entry order.</summary>
    public static string Id(long seq) => seq.ToString("x24", CultureInfo.InvariantCulture);

    /// <summary>The sequence number of an entry id (or cursor); 0 for one that is not an entry id, so ranges stay empty or whole.</summary>
    public static long Seq(string? id) => long.TryParse(id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var seq) ? seq : 0;

    public static LedgerEntry FromRow(NpgsqlDataReader r) => new(
        Id(r.GetInt64(0)), r.GetString(1), Enum.Parse<LedgerType>(r.GetString(2), ignoreCase: true), r.GetDecimal(3), r.GetDecimal(4), r.GetDecimal(5),
        r.OptString(6), r.GetString(7), r.Time(8));

    /// <summary>The alert settings from (alerts_enabled, alert_thresholds) at <paramref name="at"/> and the next column.</summary>
    public static LowBalanceAlerts.Settings AlertSettings(NpgsqlDataReader r, int at)
    {
        var enabled = r.IsDBNull(at) || r.GetBoolean(at);
        return r.IsDBNull(at + 1) ? new(enabled, LowBalanceAlerts.DefaultThresholds, false) : new(enabled, r.Decimals(at + 1), true);
    }
}

/// <summary>An account row held under <c>FOR UPDATE</c>: what a movement needs to decide, kept current as movements apply.</summary>
internal sealed class LockedAccount(string id, decimal balance, LowBalanceAlerts.Settings alerts, decimal[] fired)
{
    public string Id { get; } = id;
    public decimal Balance { get; set; } = balance;
    public LowBalanceAlerts.Settings Alerts { get; } = alerts;
    public decimal[] Fired { get; set; } = fired;
}

/// <summary>Appends to an account's audit feed, inside the transaction of the change it records.</summary>
internal static class PgActivityRows
{
    public static Task AddAsync(PgTransaction tx, string accountId, string category, string action, string description, DateTimeOffset at)
        => tx.Command("INSERT INTO activity (account_id, category, action, description, at) VALUES ($1, $2, $3, $4, $5)",
            accountId, category, action, description, at).RunAsync();
}
