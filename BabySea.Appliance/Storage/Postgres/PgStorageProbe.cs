namespace BabySea.Appliance.Storage.Postgres;

public sealed class PgStorageProbe(PgDatabase db, string artifactsRoot) : IStorageProbe
{
    public async Task CheckAsync(CancellationToken ct)
    {
        // One row, overwritten each time, committed: so the database is reachable and accepts writes.
        await db.WriteAsync(tx => tx.Command("""
            INSERT INTO readiness (id, at) VALUES ('probe', now()) ON CONFLICT (id) DO UPDATE SET at = excluded.at
            """).RunAsync());
        // Each probe has its own file, so concurrent probes (of this node or another sharing the folder) never meet.
        var file = Path.Combine(artifactsRoot, $".probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(artifactsRoot);
        try
        {
            await File.WriteAllTextAsync(file, "ok", ct);
            if (await File.ReadAllTextAsync(file, ct) != "ok") throw new IOException("The artifact folder returned different bytes.");
        }
        finally
        {
            File.Delete(file); // a full disk may leave the file half-written
        }
    }
}
