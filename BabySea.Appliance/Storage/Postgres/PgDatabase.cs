using BabySea.Appliance.Analytics;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// The pooled connections to one PostgreSQL database and the two ways the stores use them: a short read, or a short
/// READ COMMITTED write transaction that locks the rows its decision rests on (the account row first, whenever money or
/// an in-flight count is at stake) and writes the rollups it counted just before it commits. Several appliance
/// processes may share the database: the row locks, not any process, keep a check and the write it guards together.
/// </summary>
public sealed class PgDatabase(NpgsqlDataSource source) : IAsyncDisposable
{
    private const int Tries = 4;

    public NpgsqlDataSource Source { get; } = source;

    /// <summary>Builds the data source: only the type mappings the stores use (arrays of text and numeric), so it stays AOT-clean.</summary>
    public static PgDatabase Open(string connectionString)
    {
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        builder.EnableArrays();
        return new PgDatabase(builder.Build());
    }

    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await Source.OpenConnectionAsync(ct);
        return await read(connection);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it. The caller's token is not passed on: like the
    /// embedded engine, a write that has started finishes, so a client hanging up never leaves a decided change half done.
    /// A serialization failure or a deadlock (another process took the same rows in another order) re-runs the whole
    /// work, which decides again on what it then reads.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<PgTransaction, Task<T>> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await Source.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
                var tx = new PgTransaction(connection, transaction);
                var result = await work(tx);
                await PgRollupRows.WriteAsync(tx, tx.Rollups);
                await transaction.CommitAsync();
                return result;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected && attempt < Tries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt));
            }
        }
    }

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}

/// <summary>An open write transaction, and what it gathered for its commit: rollup deltas and the count of deliveries staged.</summary>
public sealed class PgTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    public NpgsqlConnection Connection { get; } = connection;
    public NpgsqlTransaction Transaction { get; } = transaction;
    internal List<RollupDelta> Rollups { get; } = [];

    /// <summary>Webhook deliveries staged in this transaction, so the caller knows whether to wake the dispatcher after the commit.</summary>
    public int StagedDeliveries { get; set; }

    public void Count(IEnumerable<RollupDelta?> deltas) => Rollups.AddRange(deltas.OfType<RollupDelta>());

    public void Count(params RollupDelta?[] deltas) => Count((IEnumerable<RollupDelta?>)deltas);

    public NpgsqlCommand Command(string sql, params object?[] args) => Sql.Create(Connection, sql, args, Transaction);

    /// <summary>
    /// Inserts <paramref name="rows"/> with multi-row INSERTs, one round trip per <paramref name="chunk"/> rows (kept under
    /// PostgreSQL's 65,535 parameters). <paramref name="casts"/> gives a column's cast (<c>::jsonb</c>) or "".
    /// </summary>
    public async Task InsertRowsAsync(string table, string columns, string[] casts, IEnumerable<object?[]> rows, int chunk = 500)
    {
        foreach (var part in rows.Chunk(chunk))
        {
            var sql = new System.Text.StringBuilder($"INSERT INTO {table} ({columns}) VALUES ");
            var args = new List<object?>(part.Length * casts.Length);
            foreach (var row in part)
            {
                sql.Append(args.Count == 0 ? "(" : ",(");
                for (var i = 0; i < casts.Length; i++) sql.Append(i == 0 ? "" : ", ").Append('$').Append(args.Count + i + 1).Append(casts[i]);
                sql.Append(')');
                args.AddRange(row);
            }
            await Command(sql.ToString(), [.. args]).RunAsync();
        }
    }
}

/// <summary>
/// Commands with positional parameters ($1, $2, …); a null argument is SQL NULL and times are sent as UTC. An array that is
/// the only argument goes in a collection expression (<c>[ids]</c>): alone, a string array would be taken for the
/// argument list itself.
/// </summary>
internal static class Sql
{
    public static NpgsqlCommand Create(NpgsqlConnection connection, string sql, object?[] args, NpgsqlTransaction? transaction = null)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var arg in args)
            command.Parameters.Add(new NpgsqlParameter { Value = arg switch { null => DBNull.Value, DateTimeOffset t => t.ToUniversalTime(), _ => arg } });
        return command;
    }

    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params object?[] args) => Create(connection, sql, args);

    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken ct = default)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct)) rows.Add(map(reader));
            return rows;
        }
    }

    public static async Task<T?> FirstAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken ct = default) where T : class
        => (await command.ListAsync(map, ct)).FirstOrDefault();

    public static async Task<int> RunAsync(this NpgsqlCommand command, CancellationToken ct = default)
    {
        await using (command) return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<T> ScalarAsync<T>(this NpgsqlCommand command, CancellationToken ct = default)
    {
        await using (command) return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    public static string? OptString(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static DateTimeOffset Time(this NpgsqlDataReader r, int i) => r.GetFieldValue<DateTimeOffset>(i);
    public static DateTimeOffset? OptTime(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
    public static int? OptInt(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    public static string[] Strings(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? [] : r.GetFieldValue<string[]>(i);
    public static decimal[] Decimals(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? [] : r.GetFieldValue<decimal[]>(i);
}
