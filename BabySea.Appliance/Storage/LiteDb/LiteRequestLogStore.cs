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

    public RequestLogWalk Page(string accountId, RequestLogFilter filter, string? cursor, int limit, int walkLimit)
    {
        // "ak" is account|request id and request ids sort by time: a page is a descending walk of one index range that
        // stops at limit matches or walkLimit rows, so a rare filter on a huge account costs a bounded walk, not a scan.
        var rows = store.Collection(Schema.RequestLogs).Query()
            .Where(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", accountId + "|" + (cursor ?? "~")))
            .OrderByDescending("ak").Limit(walkLimit).ToEnumerable();
        var matches = new List<RequestLogEntry>();
        string? last = null;
        var walked = 0;
        foreach (var d in rows)
        {
            var e = FromDocument(d);
            (last, walked) = (e.RequestId, walked + 1);
            if (filter.Matches(e)) matches.Add(e);
            if (matches.Count == limit) return new RequestLogWalk(matches, null);
        }
        return new RequestLogWalk(matches, walked == walkLimit ? last : null);
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
