namespace BabySea.Appliance.Storage.Postgres;

public sealed class PgStorageProbe(PgDatabase db, ArtifactStore artifacts) : IStorageProbe
{
    public async Task CheckAsync(CancellationToken ct)
    {
        // One row, overwritten each time, committed: so the database is reachable and accepts writes.
        await db.WriteAsync(tx => tx.Command("""
            INSERT INTO readiness (id, at) VALUES ('probe', now()) ON CONFLICT (id) DO UPDATE SET at = excluded.at
            """).RunAsync());
        await artifacts.ProbeAsync(ct);
    }
}
