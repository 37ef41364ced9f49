using BabySea.Appliance.Generations;
using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Storage.Postgres;
using BabySea.Appliance.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;

namespace BabySea.Appliance.Tests.Support;

/// <summary>
/// The stores of a data folder opened directly, on the suite's engine (<see cref="TestApp.OnPostgres"/>), for tests that
/// write or read behind the appliance's back: a stopped app's records, or the outbox rows a change staged.
/// </summary>
public static class DirectStores
{
    /// <summary>Runs <paramref name="use"/> with the generation store of <paramref name="dataDir"/>; the app on it must be stopped (LiteDB) or may run (PostgreSQL).</summary>
    public static async Task<T> WithGenerationStoreAsync<T>(string dataDir, Func<IGenerationStore, Task<T>> use)
    {
        if (TestApp.OnPostgres)
        {
            await using var db = PgDatabase.Open(TestApp.PostgresDatabase(dataDir));
            PgMigrations.Apply(db.Source);
            return await use(new PgGenerationStore(db, TimeProvider.System, new OutboxSignal(), new PgRollupStore(db, TimeProvider.System)));
        }
        using var lite = LiteStore.Open(dataDir);
        using var writer = new WriteQueue(lite, NullLogger<WriteQueue>.Instance);
        return await use(new LiteGenerationStore(lite, writer, TimeProvider.System, new OutboxSignal(), new LiteRollupStore(lite, TimeProvider.System)));
    }

    /// <summary>The payloads of the webhook deliveries of <paramref name="eventType"/> that <paramref name="app"/> staged.</summary>
    public static async Task<string[]> DeliveryDataAsync(TestApp app, string eventType)
        => TestApp.OnPostgres
            ? [.. await app.Service<PgDatabase>().ReadAsync(c => c.Command("SELECT data_json FROM webhook_deliveries WHERE event_type = $1 ORDER BY seq", eventType)
                .ListAsync(r => r.GetString(0)), CancellationToken.None)]
            : [.. app.Service<LiteStore>().Collection(Schema.WebhookDeliveries).Find(LiteDB.BsonExpression.Create("event_type = @0", eventType))
                .Select(d => d["data_json"].AsString)];

    /// <summary>Stages <paramref name="e"/> through the outbox in one transaction, as the code that causes an event does.</summary>
    public static Task StageAsync(TestApp app, WebhookEvent e, DateTimeOffset now)
        => TestApp.OnPostgres
            ? app.Service<PgDatabase>().WriteAsync(tx => PgOutboxRows.StageAsync(tx, e, now))
            : app.Service<WriteQueue>().RunAsync(s => OutboxRows.Stage(s, e, now));
}
