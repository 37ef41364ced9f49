using System.Security.Cryptography;
using System.Text;
using BabySea.Appliance.Api.RateLimiting;
using BabySea.Appliance.Hosting;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// The shared secrets in the database, so every node serving it signs and checks with the same keys. Written once by
/// whichever node starts first (an insert that keeps an existing row); read once at start.
/// </summary>
public sealed class PgSharedSecrets(NpgsqlDataSource source) : ISharedSecrets
{
    public (string Value, bool Created) ReadOrCreate(string name, string description, int minLength, Func<string> create)
    {
        using var connection = source.OpenConnection();
        using var insert = connection.Command("INSERT INTO shared_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", name, create());
        var created = insert.ExecuteNonQuery() == 1;
        using var read = connection.Command("SELECT value FROM shared_secrets WHERE name = $1", name);
        var value = ((string)read.ExecuteScalar()!).Trim();
        if (value.Length < minLength)
            throw new InvalidOperationException($"The {description} in {Where(name)} is {(value.Length == 0 ? "empty" : "too short")} (it needs at least {minLength} "
                + "characters). Delete the row to have a new one generated at the next start, or write a longer secret into it.");
        return (value, created);
    }

    public string Where(string name) => $"the database's shared_secrets table (name '{name}')";
}

/// <summary>
/// A job runs on one node at a time: a session-level advisory lock, held on its own connection for the run. A scheduled
/// occurrence tries it without waiting and is skipped where it is taken; start-up work waits its turn.
/// </summary>
public sealed class PgJobLocks(PgDatabase db) : IJobLocks
{
    public Task<bool> RunExclusiveAsync(string job, Func<CancellationToken, Task> run, CancellationToken ct)
        => RunLockedAsync(job, wait: false, run, ct);

    public Task RunAfterOthersAsync(string job, Func<CancellationToken, Task> run, CancellationToken ct)
        => RunLockedAsync(job, wait: true, run, ct);

    private async Task<bool> RunLockedAsync(string job, bool wait, Func<CancellationToken, Task> run, CancellationToken ct)
    {
        await using var connection = await db.Source.OpenConnectionAsync(ct);
        var key = Key(job);
        if (wait) await connection.Command("SELECT pg_advisory_lock($1)", key).RunAsync(ct);
        else if (!await connection.Command("SELECT pg_try_advisory_lock($1)", key).ScalarAsync<bool>(ct)) return false;
        try
        {
            await run(ct);
            return true;
        }
        finally
        {
            await connection.Command("SELECT pg_advisory_unlock($1)", key).RunAsync(CancellationToken.None);
        }
    }

    /// <summary>A stable 64-bit key per job name (the same on every node and every start).</summary>
    private static long Key(string job) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("babysea-job:" + job)));
}

/// <summary>Request windows every node counts into: one upsert per request; a new minute drops the account's older ones.</summary>
public sealed class PgRequestWindows(PgDatabase db) : IRequestWindows
{
    public Task<long> CountAsync(string accountId, long minute, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            var count = await tx.Command("""
                INSERT INTO request_windows (account_id, minute, count) VALUES ($1, $2, 1)
                ON CONFLICT (account_id, minute) DO UPDATE SET count = request_windows.count + 1 RETURNING count
                """, accountId, minute).ScalarAsync<long>();
            if (count == 1) await tx.Command("DELETE FROM request_windows WHERE account_id = $1 AND minute < $2", accountId, minute).RunAsync();
            return count;
        });
}
