using BabySea.Appliance.Api.RateLimiting;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Storage.LiteDb;

namespace BabySea.Appliance.Storage;

/// <summary>The one place that picks the storage engine, for the server and the CLI verbs alike.</summary>
public static class StorageRegistration
{
    /// <summary>
    /// Registers the engine's stores and what several nodes on one database must share (job locks, request windows, the
    /// shared secrets); the embedded engine serves one process, so its are the single-node ones. <paramref name="secrets"/>
    /// is for start-up, which reads them before the container exists.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, string dataDir, bool durable, out ISharedSecrets secrets)
    {
        secrets = new DataFolderSecrets(dataDir);
        return services.AddLiteDbStorage(dataDir, durable)
            .AddSingleton<IJobLocks, SingleNodeJobLocks>()
            .AddSingleton<IRequestWindows, NodeRequestWindows>()
            .AddSingleton(secrets);
    }
}
