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

    public Task<LedgerCheckpoint?> CheckpointAsync(string accountId, CancellationToken ct)
        => db.ReadAsync(c => c.Command("SELECT last_entry_id, balance FROM ledger_checkpoints WHERE account_id = $1", accountId)
            .FirstAsync(r => new LedgerCheckpoint(accountId, r.OptString(0), r.GetDecimal(1)), ct), ct);

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
