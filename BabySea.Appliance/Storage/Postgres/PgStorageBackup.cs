namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// A PostgreSQL database is backed up with PostgreSQL's own tools, which copy it consistently while it serves and
/// restore it on any server; the appliance does not imitate them.
/// </summary>
public sealed class PgStorageBackup : IStorageBackup
{
    public const string Advice = "Storage:Engine is postgres: back the database up with pg_dump (e.g. pg_dump --format=custom --file=babysea.dump DBNAME) "
        + "and copy the artifacts folder (Storage:ArtifactsPath) beside it; the backup and compact verbs only copy a LiteDB data folder.";

    public Task<long> BackupAsync(string folder, CancellationToken ct) => Task.FromException<long>(new NotSupportedException(Advice));
}
