namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteStorageProbe(WriteQueue writer, ArtifactStore artifacts) : IStorageProbe
{
    private const string Collection = "readiness";

    public async Task CheckAsync(CancellationToken ct)
    {
        // One document, overwritten each time, committed through the single writer: so the writer thread runs and the
        // database and its disk accept writes.
        await writer.RunAsync(s => s.Collection(Collection).Upsert(new LiteDB.BsonDocument { ["_id"] = "probe", ["at"] = DateTime.UtcNow }));
        await artifacts.ProbeAsync(ct);
    }
}
