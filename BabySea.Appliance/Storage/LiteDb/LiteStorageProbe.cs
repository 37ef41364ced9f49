namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteStorageProbe(WriteQueue writer, string artifactsRoot) : IStorageProbe
{
    private const string Collection = "readiness";

    public async Task CheckAsync(CancellationToken ct)
    {
        // One document, overwritten each time, committed through the single writer: so the writer thread runs and the
        // database and its disk accept writes.
        await writer.RunAsync(s => s.Collection(Collection).Upsert(new LiteDB.BsonDocument { ["_id"] = "probe", ["at"] = DateTime.UtcNow }));
        // Each probe has its own file, so concurrent probes never read, overwrite or delete each other's.
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
