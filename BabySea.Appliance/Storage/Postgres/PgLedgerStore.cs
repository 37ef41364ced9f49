using BabySea.Appliance.Billing;

namespace BabySea.Appliance.Storage.Postgres;

public sealed class PgLedgerStore(PgDatabase db, TimeProvider time) : ILedgerStore
{
    public Task<LedgerEntry?> AddCreditsAsync(string accountId, decimal amount, string description, CancellationToken ct)
        => db.WriteAsync(async tx => await PgLedgerRows.LockAccountAsync(tx, accountId) is { } account
            ? await PgLedgerRows.ApplyAsync(tx, new LedgerMovement(accountId, LedgerType.Add, amount, null, description), time.GetUtcNow(), account)
            : null);

    public Task<LedgerEntry?> GrantOnceAsync(string accountId, decimal amount, string grantKey, string description, CancellationToken ct)
        => db.WriteAsync(async tx => await PgLedgerRows.LockAccountAsync(tx, accountId) is { } account && !await PgLedgerRows.GrantExistsAsync(tx, grantKey)
            ? await PgLedgerRows.ApplyAsync(tx, new LedgerMovement(accountId, LedgerType.Add, amount, null, description, grantKey), time.GetUtcNow(), account)
            : null);

    public async Task<IReadOnlyList<LedgerEntry>> EntriesAsync(string accountId, CancellationToken ct)
        => await db.ReadAsync(c => c.Command($"SELECT {PgLedgerRows.Columns} FROM ledger WHERE account_id = $1 ORDER BY seq", accountId)
            .ListAsync(PgLedgerRows.FromRow, ct), ct);

    public async Task<IReadOnlyList<LedgerEntry>> PageAsync(string accountId, string? cursor, int limit, CancellationToken ct)
        => await db.ReadAsync(c => c.Command($"SELECT {PgLedgerRows.Columns} FROM ledger WHERE account_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3",
            accountId, cursor is null ? long.MaxValue : PgLedgerRows.Seq(cursor), limit).ListAsync(PgLedgerRows.FromRow, ct), ct);

    public async Task<IReadOnlyList<LedgerEntry>> AfterAsync(string accountId, string? afterId, int limit, CancellationToken ct)
        => await db.ReadAsync(c => c.Command($"SELECT {PgLedgerRows.Columns} FROM ledger WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            accountId, PgLedgerRows.Seq(afterId), limit).ListAsync(PgLedgerRows.FromRow, ct), ct);

    public async Task<IReadOnlyList<LedgerCheckpoint>> MovedSinceCheckpointsAsync(CancellationToken ct)
        // The newest entry of each account is the last key of its (account_id, seq) index; entry ids are that seq in hex.
        => await db.ReadAsync(c => c.Command("""
            SELECT a.id, cp.last_entry_id, coalesce(cp.balance, 0)
            FROM accounts a
            LEFT JOIN ledger_checkpoints cp ON cp.account_id = a.id
            CROSS JOIN LATERAL (SELECT max(seq) AS tip FROM ledger l WHERE l.account_id = a.id) newest
            WHERE lpad(to_hex(newest.tip), 24, '0') IS DISTINCT FROM cp.last_entry_id
               OR a.balance <> coalesce(cp.balance, 0)
            """).ListAsync(r => new LedgerCheckpoint(r.GetString(0), r.OptString(1), r.GetDecimal(2)), ct), ct);

    public Task SaveCheckpointsAsync(IReadOnlyList<LedgerCheckpoint> checkpoints, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            var now = time.GetUtcNow();
            foreach (var c in checkpoints)
                await tx.Command("""
                    INSERT INTO ledger_checkpoints (account_id, last_entry_id, balance, at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (account_id) DO UPDATE SET last_entry_id = excluded.last_entry_id, balance = excluded.balance, at = excluded.at
                    """, c.AccountId, c.LastEntryId, c.Balance, now).RunAsync();
            return checkpoints.Count;
        });
}
