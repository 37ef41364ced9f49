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

    public Task<RequestLogWalk> PageAsync(string accountId, RequestLogFilter filter, string? cursor, int limit, int walkLimit, CancellationToken ct)
    {
        // "ak" is account|request id and request ids sort by time; "akb", "aks" and "akk" put the BSE code, the status or
        // the key between the two. A page is a descending walk of one index range (the narrowest the filter allows) that
        // stops at limit matches or walkLimit rows, so any filter on a huge account costs a bounded walk, never a scan.
        var (index, prefix) = filter switch
        {
            { BseCode: { } code } => ("akb", $"{accountId}|{code}|"),
            { Status: { } status } => ("aks", $"{accountId}|{status}|"),
            { KeyId: { } key } => ("akk", $"{accountId}|{key}|"),
            _ => ("ak", accountId + "|"),
        };
        var rows = store.Collection(Schema.RequestLogs).Query()
            .Where(BsonExpression.Create($"{index} BETWEEN @0 AND @1 AND {index} > @0 AND {index} < @1", prefix, prefix + (cursor ?? "~")))
            .OrderByDescending(index).Limit(walkLimit).ToEnumerable();
        var matches = new List<RequestLogEntry>();
        string? last = null;
        var walked = 0;
        foreach (var d in rows)
        {
            var e = FromDocument(d);
            (last, walked) = (e.RequestId, walked + 1);
            if (filter.Matches(e)) matches.Add(e);
            if (matches.Count == limit) return Task.FromResult(new RequestLogWalk(matches, null));
        }
        return Task.FromResult(new RequestLogWalk(matches, walked == walkLimit ? last : null));
    }

    internal static string SortKey(string? accountId, string requestId) => (accountId ?? "") + "|" + requestId;

    /// <summary>The filter keys of a row: account|value|request id, for the BSE code, the status and the key (absent when the row has none).</summary>
    internal static void SetFilterKeys(BsonDocument d)
    {
        var (account, id) = (d.OptString("account_id") ?? "", d["request_id"].AsString);
        d["aks"] = $"{account}|{d["status"].AsInt32}|{id}";
        d["akb"] = d.OptString("bse") is { } bse ? $"{account}|{bse}|{id}" : BsonValue.Null;
        d["akk"] = d.OptString("key_id") is { } key ? $"{account}|{key}|{id}" : BsonValue.Null;
    }

    internal static BsonDocument ToDocument(RequestLogEntry e)
    {
        var d = Document(e);
        SetFilterKeys(d);
        return d;
    }

    private static BsonDocument Document(RequestLogEntry e) => new()
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
