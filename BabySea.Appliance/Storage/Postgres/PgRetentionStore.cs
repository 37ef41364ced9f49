using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// Retention deletes in bounded batches, oldest first, each category's batch its own short transaction. A batch that
/// changes generation or ledger rows locks the account row first, as every other writer of those rows does. Files go
/// after the commit that forgets them; a crash in between leaves files no record points at, never a record pointing at
/// no file. The same rules as the embedded engine: records keep their row when only their files go, running generations
/// stay, and ledger entries fold into one opening-balance entry.
/// </summary>
public sealed class PgRetentionStore(PgDatabase db, ArtifactStore artifacts, TimeProvider time) : IRetentionStore
{
    private static readonly string[] Settled = [DeliveryStatus.Delivered, DeliveryStatus.Exhausted, DeliveryStatus.Expired, DeliveryStatus.Released,
        DeliveryStatus.Canceled];

    private const string Terminal = "status NOT IN ('pending', 'processing')";

    public async Task<RetentionSwept> SweepAsync(string accountId, RetentionCutoffs c, int batch, CancellationToken ct)
    {
        var files = await db.WriteAsync(tx => RemoveFilesAsync(tx, accountId, c.OutputFiles, batch));
        foreach (var id in files) artifacts.Delete(id);
        var generations = await db.WriteAsync(tx => DeleteGenerationsAsync(tx, accountId, c.Generations, batch));
        foreach (var id in generations) artifacts.Delete(id);
        var logs = await db.WriteAsync(tx => DeleteRequestLogsAsync(tx, accountId, c.RequestLogs, batch));
        var deliveries = await db.WriteAsync(tx => DeleteDeliveriesAsync(tx, accountId, c.WebhookDeliveries, batch));
        var activity = await db.WriteAsync(tx => DeleteActivityAsync(tx, accountId, c.Activity, batch));
        var folded = await db.WriteAsync(tx => FoldLedgerAsync(tx, accountId, c.Ledger, batch));
        var hours = await db.WriteAsync(tx => DeleteHourRollupsAsync(tx, accountId, c.HourRollups, batch));
        return new RetentionSwept(files.Count, generations.Count, logs, deliveries, activity, folded, hours);
    }

    public async Task<DateTimeOffset?> SweptUntilAsync(string accountId, string category, CancellationToken ct)
        => (await db.ReadAsync(c => c.Command("SELECT until FROM retention_marks WHERE account_id = $1 AND category = $2", accountId, category)
            .ListAsync(r => r.Time(0), ct), ct)) is [var until] ? until : null;

    private static async Task<List<string>> RemoveFilesAsync(PgTransaction tx, string accountId, DateTimeOffset cutoff, int batch)
    {
        // Records stay (marked removed); the mark remembers how far the walk got, so removed records are not read again.
        await PgLedgerRows.LockAccountAsync(tx, accountId);
        var position = await tx.Command("SELECT position FROM retention_marks WHERE account_id = $1 AND category = 'output_files'", accountId)
            .ListAsync(r => r.OptString(0)) is [{ } p] ? p : "";
        var rows = await tx.Command($"""
            SELECT id, jsonb_array_length(outputs) > 0 AND {Terminal} FROM generations WHERE account_id = $1 AND id > $2 AND id < $3 ORDER BY id LIMIT $4 FOR UPDATE
            """, accountId, position, TimeOrderedIds.Floor(cutoff), (long)batch).ListAsync(r => (Id: r.GetString(0), HasFiles: r.GetBoolean(1)));
        var removed = rows.Where(r => r.HasFiles).Select(r => r.Id).ToList();
        if (removed.Count > 0)
            await tx.Command("UPDATE generations SET outputs = '[]'::jsonb, removed = true WHERE id = ANY($1)", [removed.ToArray()]).RunAsync();
        await SetMarkAsync(tx, accountId, "output_files", cutoff, rows.Count > 0 ? rows[^1].Id : position);
        return removed;
    }

    private async Task<List<string>> DeleteGenerationsAsync(PgTransaction tx, string accountId, DateTimeOffset cutoff, int batch)
    {
        // Oldest first, so the ledger fold, which stops at the oldest generation left, moves on as the records go. A
        // generation still running keeps its record (and its reservation) until it ends.
        await PgLedgerRows.LockAccountAsync(tx, accountId);
        var ids = await tx.Command($"""
            DELETE FROM generations WHERE id IN (
                SELECT id FROM (SELECT id, status FROM generations WHERE account_id = $1 AND id < $2 ORDER BY id LIMIT $3) oldest WHERE {Terminal})
            RETURNING id
            """, accountId, TimeOrderedIds.Floor(cutoff), (long)batch).ListAsync(r => r.GetString(0));
        if (ids.Count > 0) tx.Count(RollupRules.ForGenerationsDeleted(accountId, time.GetUtcNow(), ids.Count));
        await SetMarkAsync(tx, accountId, "generations", cutoff);
        return ids;
    }

    private static async Task<int> DeleteRequestLogsAsync(PgTransaction tx, string accountId, DateTimeOffset cutoff, int batch)
    {
        var deleted = await tx.Command("""
            DELETE FROM request_logs WHERE seq IN (SELECT seq FROM request_logs WHERE account_id = $1 AND request_id < $2 ORDER BY request_id LIMIT $3)
            """, accountId, RequestIds.Floor(cutoff), (long)batch).RunAsync();
        await SetMarkAsync(tx, accountId, "request_logs", cutoff);
        return deleted;
    }

    private static async Task<int> DeleteDeliveriesAsync(PgTransaction tx, string accountId, DateTimeOffset cutoff, int batch)
    {
        var ids = await tx.Command("""
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM (SELECT id, status FROM webhook_deliveries WHERE account_id = $1 AND created_at < $2 ORDER BY created_at, seq LIMIT $3) oldest
                WHERE status = ANY($4))
            RETURNING id
            """, accountId, cutoff, (long)batch, Settled).ListAsync(r => r.GetString(0));
        if (ids.Count > 0) await tx.Command("DELETE FROM webhook_attempts WHERE delivery_id = ANY($1)", [ids.ToArray()]).RunAsync();
        await SetMarkAsync(tx, accountId, "webhook_deliveries", cutoff);
        return ids.Count;
    }

    private static async Task<int> DeleteActivityAsync(PgTransaction tx, string accountId, DateTimeOffset cutoff, int batch)
    {
        var deleted = await tx.Command("DELETE FROM activity WHERE seq IN (SELECT seq FROM activity WHERE account_id = $1 AND at < $2 ORDER BY at LIMIT $3)",
            accountId, cutoff, (long)batch).RunAsync();
        await SetMarkAsync(tx, accountId, "activity", cutoff);
        return deleted;
    }

    /// <summary>Hour buckets that start before the cutoff's hour, up to <paramref name="batch"/> buckets; returns how many buckets went.</summary>
    private static async Task<int> DeleteHourRollupsAsync(PgTransaction tx, string accountId, DateTimeOffset cutoff, int batch)
        => (await tx.Command("""
            DELETE FROM rollups WHERE account_id = $1 AND grain = 'h' AND start IN (
                SELECT DISTINCT start FROM rollups WHERE account_id = $1 AND grain = 'h' AND start < $2 ORDER BY start LIMIT $3)
            RETURNING start
            """, accountId, RollupGrains.Start(RollupGrain.Hour, cutoff), (long)batch).ListAsync(r => r.Time(0))).Distinct().Count();

    /// <summary>
    /// Entries before the cutoff become one opening-balance entry: the last of them, rewritten to carry the sum of their
    /// deltas and keeping its balance_after, so balance = sum of entries still holds. The chain is checked first (each
    /// balance_after = the one before + delta); a broken chain is left for <c>verify</c> to report, never folded away.
    /// </summary>
    private static async Task<int> FoldLedgerAsync(PgTransaction tx, string accountId, DateTimeOffset cutoff, int batch)
    {
        await PgLedgerRows.LockAccountAsync(tx, accountId);
        // Never an entry of a generation still on record, whatever order the deletes ran in or where a crash stopped them:
        // its reserve, charge and refund are what verify checks it by.
        if (await tx.Command("SELECT created_at FROM generations WHERE account_id = $1 ORDER BY id LIMIT 1", accountId).ListAsync(r => r.Time(0)) is [var oldest]
            && oldest < cutoff)
            cutoff = oldest;
        // Whole seconds, as the embedded engine's entry ids carry them.
        var before = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(cutoff.ToUnixTimeSeconds(), 0, int.MaxValue));
        var entries = await tx.Command($"SELECT {PgLedgerRows.Columns} FROM ledger WHERE account_id = $1 AND created_at < $2 ORDER BY seq LIMIT $3",
            accountId, before, (long)batch).ListAsync(PgLedgerRows.FromRow);
        await SetMarkAsync(tx, accountId, "ledger", cutoff);
        if (entries.Count < 2) return 0;
        var running = entries[0].BalanceAfter;
        for (var i = 1; i < entries.Count; i++)
        {
            running += entries[i].Delta;
            if (entries[i].BalanceAfter != running) return 0;
        }
        var last = entries[^1];
        await tx.Command("DELETE FROM ledger WHERE seq = ANY($1)", [entries[..^1].Select(e => PgLedgerRows.Seq(e.Id)).ToArray()]).RunAsync();
        await tx.Command("""
            UPDATE ledger SET type = $2, amount = $3, delta = $3, generation_id = NULL, description = $4, movement_key = 'opening:' || $5 WHERE seq = $1
            """, PgLedgerRows.Seq(last.Id), LedgerMovement.TypeName(LedgerType.Opening), running,
            $"Opening balance: {entries.Count} entries before {Timestamps.Format(last.CreatedAt)} folded by retention", last.Id).RunAsync();
        // The start-up check walks from its checkpoint; one inside the folded range moves to the opening entry.
        await tx.Command("""
            UPDATE ledger_checkpoints SET last_entry_id = $2, balance = $3 WHERE account_id = $1 AND coalesce(last_entry_id, '') COLLATE "C" < $2 COLLATE "C"
            """, accountId, last.Id, running).RunAsync();
        return entries.Count - 1;
    }

    private static Task SetMarkAsync(PgTransaction tx, string accountId, string category, DateTimeOffset until, string? position = null)
        => tx.Command("""
            INSERT INTO retention_marks (account_id, category, until, position) VALUES ($1, $2, greatest($3, 'epoch'::timestamptz), $4)
            ON CONFLICT (account_id, category) DO UPDATE SET until = greatest(retention_marks.until, excluded.until),
                position = coalesce(excluded.position, retention_marks.position)
            """, accountId, category, until, position).RunAsync();
}
