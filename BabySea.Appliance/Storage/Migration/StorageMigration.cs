using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Storage.Postgres;

namespace BabySea.Appliance.Storage.Migration;

/// <summary>Moves an appliance's data from one engine to another: today, a LiteDB data folder into PostgreSQL.</summary>
public static class StorageMigration
{
    /// <summary>
    /// Copies the stopped LiteDB folder <paramref name="fromDir"/> into the PostgreSQL database of <paramref name="target"/>
    /// (its schema brought up to date first) and the folder's output files into the target's artifacts folder; returns
    /// what it copied, per table. Refuses a folder without a database, one in use, and a database that holds an account.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, long>> FromLiteDbAsync(string fromDir, StorageSettings target, Action<string> progress,
        CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(fromDir, "babysea.db"))) throw new InvalidOperationException($"There is no appliance database in {fromDir}.");
        await using var db = PgDatabase.Open(target.ConnectionString!);
        PgMigrations.Apply(db.Source);
        if (await db.ReadAsync(c => c.Command("SELECT EXISTS (SELECT 1 FROM accounts)").ScalarAsync<bool>(ct), ct))
            throw new InvalidOperationException("The PostgreSQL database already holds accounts: migrate into an empty database.");
        using var source = LiteStore.Open(fromDir, durable: false);
        return await new LiteDbToPostgres(source, fromDir, db, target.ArtifactsPath).CopyAsync(progress, ct);
    }
}
