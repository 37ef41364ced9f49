using BabySea.Appliance.Api.RateLimiting;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Storage.Postgres;

namespace BabySea.Appliance.Storage;

/// <summary>The storage engines <c>Storage:Engine</c> names.</summary>
public static class StorageEngines
{
    public const string LiteDb = "litedb";
    public const string Postgres = "postgres";
    public static readonly IReadOnlyList<string> All = [LiteDb, Postgres];
}

/// <summary>
/// The engine, its PostgreSQL connection string (never logged: it may hold a password), the artifacts folder, and whether
/// the LiteDB engine forces every group commit to disk.
/// </summary>
public sealed record StorageSettings(string Engine, string? ConnectionString, string ArtifactsPath, bool Durable)
{
    public bool IsPostgres => Engine == StorageEngines.Postgres;

    // A record prints its properties; this one holds a secret.
    public override string ToString() => $"StorageSettings {{ Engine = {Engine}, ArtifactsPath = {ArtifactsPath}, Durable = {Durable} }}";
}

/// <summary>The one place that picks the storage engine, for the server and the CLI verbs alike.</summary>
public static class StorageRegistration
{
    /// <summary>
    /// Registers the engine's stores and what several nodes on one database must share (job locks, request windows, word
    /// of released work, the shared secrets): the embedded engine serves one process, so its are the single-node ones; PostgreSQL's live in the
    /// database. <paramref name="secrets"/> is for start-up, which reads them before the container exists.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, string dataDir, StorageSettings storage, out ISharedSecrets secrets)
    {
        services.AddSingleton(new ArtifactStore(storage.ArtifactsPath, storage.Durable));
        if (storage.IsPostgres) return services.AddPostgresStorage(storage.ConnectionString!, storage.ArtifactsPath, out secrets);
        secrets = new DataFolderSecrets(dataDir);
        return services.AddLiteDbStorage(dataDir, storage.Durable, storage.ArtifactsPath)
            .AddSingleton<IJobLocks, SingleNodeJobLocks>()
            .AddSingleton<IRequestWindows, NodeRequestWindows>()
            .AddSingleton<IReleasedWorkSignal, SingleNodeReleasedWorkSignal>()
            .AddSingleton(secrets);
    }
}
