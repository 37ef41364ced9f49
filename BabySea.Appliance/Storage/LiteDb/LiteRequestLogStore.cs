using BabySea.Appliance.Analytics;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteRequestLogStore(LiteStore store, WriteQueue writer) : IRequestLogStore
{
    public Task AppendAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct)
        => writer.RunAsync(s =>
        {
            s.Collection(Schema.RequestLogs).InsertBulk(entries.Select(ToDocument));
            RollupRows.Apply(s, entries.Select(RollupRules.ForRequest));
            return entries.Count;
        });

    public IReadOnlyList<RequestLogEntry> Page(string accountId, RequestLogFilter filter, string? cursor, int limit)
    {
        // "ak" is account|request id and request ids sort by time: a page is a descending walk of one index range, and
        // the filters only test the rows that walk meets.
        var where = new List<string> { "ak BETWEEN @0 AND @1", "ak > @0", "ak < @1" };
        var args = new List<BsonValue> { accountId + "|", accountId + "|" + (cursor ?? "~") };
        void Add(string clause, BsonValue value)
        {
            where.Add(clause.Replace("@", "@" + args.Count));
            args.Add(value);
        }
        if (filter.Status is { } status) Add("status = @", status);
        if (filter.Method is { } method) Add("method = @", method);
        if (filter.Endpoint is { } endpoint) Add("endpoint = @", endpoint);
        if (filter.KeyId is { } key) Add("key_id = @", key);
        if (filter.BseCode is { } code) Add("bse = @", code);
        if (filter.Text is { } text)
        {
            where.Add($"(request_id LIKE @{args.Count} OR endpoint LIKE @{args.Count})");
            args.Add("%" + text + "%");
        }
        return store.Collection(Schema.RequestLogs).Query()
            .Where(BsonExpression.Create(string.Join(" AND ", where), args.ToArray()))
            .OrderByDescending("ak").Limit(limit).ToEnumerable().Select(FromDocument).ToArray();
    }

    internal static string SortKey(string? accountId, string requestId) => (accountId ?? "") + "|" + requestId;

    internal static BsonDocument ToDocument(RequestLogEntry e) => new()
    {
        ["request_id"] = e.RequestId,
        ["ak"] = SortKey(e.AccountId, e.RequestId),
        ["account_id"] = Bson.Str(e.AccountId),
        ["key_id"] = Bson.Str(e.KeyId),
        ["method"] = e.Method,
        ["endpoint"] = e.Endpoint,
        ["status"] = e.Status,
        ["bse"] = Bson.Str(e.BseCode),
        ["at"] = Bson.Time(e.At),
        ["duration_ms"] = e.DurationMs,
        ["replay"] = e.Replay,
        ["ip_hash"] = Bson.Str(e.IpHash),
        ["user_agent"] = Bson.Str(e.UserAgent),
    };

    internal static RequestLogEntry FromDocument(BsonDocument d) => new(
        d["request_id"].AsString, d.OptString("account_id"), d.OptString("key_id"), d["method"].AsString, d["endpoint"].AsString,
        d["status"].AsInt32, d.OptString("bse"), d.Time("at"), d["duration_ms"].AsDouble, d["replay"].AsBoolean,
        d.OptString("ip_hash"), d.OptString("user_agent"));
}
