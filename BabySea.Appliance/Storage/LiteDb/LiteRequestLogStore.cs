using BabySea.Appliance.Analytics;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteRequestLogStore(LiteStore store, WriteQueue writer) : IRequestLogStore
{
    public Task AppendAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct)
        => writer.RunAsync(s => s.Collection(Schema.RequestLogs).InsertBulk(entries.Select(ToDocument)));

    public IReadOnlyList<RequestLogEntry> Since(string accountId, DateTimeOffset since)
        => store.Collection(Schema.RequestLogs).Find(BsonExpression.Create("account_id = @0 AND at >= @1", accountId, Bson.Time(since))).Select(FromDocument).ToArray();

    private static BsonDocument ToDocument(RequestLogEntry e) => new()
    {
        ["request_id"] = e.RequestId,
        ["account_id"] = Bson.Str(e.AccountId),
        ["key_id"] = Bson.Str(e.KeyId),
        ["method"] = e.Method,
        ["endpoint"] = e.Endpoint,
        ["status"] = e.Status,
        ["bse"] = Bson.Str(e.BseCode),
        ["at"] = Bson.Time(e.At),
        ["duration_ms"] = e.DurationMs,
        ["replay"] = e.Replay,
    };

    private static RequestLogEntry FromDocument(BsonDocument d) => new(
        d["request_id"].AsString, d.OptString("account_id"), d.OptString("key_id"), d["method"].AsString, d["endpoint"].AsString,
        d["status"].AsInt32, d.OptString("bse"), d.Time("at"), d["duration_ms"].AsDouble, d["replay"].AsBoolean);
}
