using BabySea.Appliance.Accounts;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>The embedded engine behind every storage interface: one registration for the server and the CLI verbs alike.</summary>
public static class LiteDbStorage
{
    /// <summary>
    /// Opens the data folder's database (refusing a folder another process holds) and registers the stores on it, with the
    /// output files under <paramref name="artifactsRoot"/>. Needs a <see cref="TimeProvider"/>, logging and an
    /// <see cref="OutboxSignal"/> registered beside it.
    /// </summary>
    public static IServiceCollection AddLiteDbStorage(this IServiceCollection services, string dataDir, bool durable, string artifactsRoot)
    {
        var store = LiteStore.Open(dataDir, durable);
        services.AddSingleton(_ => store); // a factory registration, so the container disposes it after the writer
        services.AddMetrics();
        services.AddSingleton<WriterMetrics>();
        services.AddSingleton<WriteQueue>();
        services.AddSingleton<IStorageProbe, LiteStorageProbe>();
        services.AddSingleton<IStorageBackup>(sp => new LiteStorageBackup(sp.GetRequiredService<WriteQueue>(), artifactsRoot));
        services.AddSingleton<IHistorySeeder>(sp => new HistorySeeder(sp.GetRequiredService<WriteQueue>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAccountStore, LiteAccountStore>();
        services.AddSingleton<ILedgerStore, LiteLedgerStore>();
        services.AddSingleton<IGenerationStore, LiteGenerationStore>();
        services.AddSingleton<IWebhookStore, LiteWebhookStore>();
        services.AddSingleton<IRequestLogStore, LiteRequestLogStore>();
        services.AddSingleton<IIdempotencyStore, LiteIdempotencyStore>();
        services.AddSingleton<IRollupStore, LiteRollupStore>();
        services.AddSingleton<IRetentionStore, LiteRetentionStore>();
        return services;
    }
}
