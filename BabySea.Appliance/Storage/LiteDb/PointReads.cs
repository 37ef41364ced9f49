using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Reads by <c>_id</c> without parsing: LiteDB's <c>FindById</c> parses <c>"_id = @0"</c> anew on every call, which was
/// a few percent of the appliance's CPU under load. Each thread keeps one parsed expression and sets its parameter per
/// read. A read has finished with it (its enumeration ended) before the thread can start another, so no two reads ever
/// share it.
/// </summary>
internal static class PointReads
{
    [ThreadStatic] private static BsonExpression? _byId;

    public static BsonDocument? ById(this ILiteCollection<BsonDocument> collection, BsonValue id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var byId = _byId ??= BsonExpression.Create("_id = @0", BsonValue.Null);
        byId.Parameters["0"] = id;
        return collection.Find(byId).FirstOrDefault();
    }
}
