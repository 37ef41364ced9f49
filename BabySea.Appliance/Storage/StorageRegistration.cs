using BabySea.Appliance.Storage.LiteDb;

namespace BabySea.Appliance.Storage;

/// <summary>The one place that picks the storage engine, for the server and the CLI verbs alike.</summary>
public static class StorageRegistration
{
    public static IServiceCollection AddStorage(this IServiceCollection services, string dataDir, bool durable)
        => services.AddLiteDbStorage(dataDir, durable);
}
