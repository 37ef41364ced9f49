using BabySea.Appliance.Accounts;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Api.RateLimiting;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>The PostgreSQL engine behind every storage interface, for several nodes sharing one database.</summary>
public static class PostgresStorage
{
    /// <summary>
    /// Opens the pool, brings the schema up to date (once, whichever node starts first) and registers the stores on it,
    /// with the output files under <paramref name="artifactsRoot"/> (a folder the nodes share), and what the nodes share:
    /// job locks, request windows, word of released work and the <paramref name="secrets"/>. Needs a <see cref="TimeProvider"/> and an
    /// <see cref="OutboxSignal"/> registered beside it.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString, string artifactsRoot, out ISharedSecrets secrets)
    {
        var db = PgDatabase.Open(connectionString);
        try
        {
            // At composition, as the embedded engine opens its file: a database that cannot be reached or migrated stops start-up.
            PgMigrations.Apply(db.Source);
        }
        catch
        {
            db.Source.Dispose();
            throw;
        }
        secrets = new PgSharedSecrets(db.Source);
        services.AddSingleton(_ => db); // a factory registration, so the container disposes the pool
        services.AddSingleton(secrets);
        services.AddSingleton<IJobLocks, PgJobLocks>();
        services.AddSingleton<IRequestWindows, PgRequestWindows>();
        services.AddSingleton<IReleasedWorkSignal, PgReleasedWorkSignal>();
        services.AddSingleton<IStorageProbe, PgStorageProbe>();
        services.AddSingleton<IStorageBackup, PgStorageBackup>();
        services.AddSingleton<IHistorySeeder>(sp => new PgHistorySeeder(sp.GetRequiredService<PgDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAccountStore, PgAccountStore>();
        services.AddSingleton<ILedgerStore, PgLedgerStore>();
        services.AddSingleton<IGenerationStore, PgGenerationStore>();
        services.AddSingleton<IWebhookStore, PgWebhookStore>();
        services.AddSingleton<IRequestLogStore, PgRequestLogStore>();
        services.AddSingleton<IIdempotencyStore, PgIdempotencyStore>();
        services.AddSingleton<IRollupStore, PgRollupStore>();
        services.AddSingleton<IRetentionStore, PgRetentionStore>();
        return services;
    }

    /// <summary>Why <paramref name="connectionString"/> is not one Npgsql takes, without repeating any of its values; null when it is.</summary>
    public static string? ConnectionStringProblem(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrEmpty(builder.Host) ? "it names no Host." : null;
        }
        catch (ArgumentException)
        {
            return "a key is unknown or a value has the wrong form (keys: Host, Port, Database, Username, Password, SSL Mode, ...).";
        }
    }
}
