using BabySea.Appliance.Analytics;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

public sealed class PgRequestLogStore(PgDatabase db) : IRequestLogStore
{
    private const string Columns = "request_id, account_id, key_id, method, endpoint, status, bse, at, duration_ms, replay, ip_hash, user_agent";

    public Task AppendAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct)
        => db.WriteAsync(async tx =>
        {
            await InsertAsync(tx, entries);
            tx.Count(entries.Select(RollupRules.ForRequest));
            return entries.Count;
        });

    internal static Task InsertAsync(PgTransaction tx, IEnumerable<RequestLogEntry> entries)
        => tx.InsertRowsAsync("request_logs", Columns, [.. Enumerable.Repeat("", 12)], entries.Select(e => new object?[]
        {
            e.RequestId, e.AccountId, e.KeyId, e.Method, e.Endpoint, e.Status, e.BseCode, e.At, e.DurationMs, e.Replay, e.IpHash, e.UserAgent,
        }), chunk: 1000);

    public async Task<RequestLogWalk> PageAsync(string accountId, RequestLogFilter filter, string? cursor, int limit, int walkLimit, CancellationToken ct)
    {
        // A descending walk of one index range (the narrowest the filter allows: BSE code, status or key) that stops at
        // limit matches or walkLimit rows, so any filter on a huge account costs a bounded walk, never a scan.
        var (narrow, value) = filter switch
        {
            { BseCode: { } code } => ("AND bse = $3", (object?)code),
            { Status: { } status } => ("AND status = $3", (object?)status),
            { KeyId: { } key } => ("AND key_id = $3", (object?)key),
            _ => ("AND $3::text IS NULL", (object?)null),
        };
        var rows = await db.ReadAsync(c => c.Command($"""
            SELECT {Columns} FROM request_logs WHERE account_id = $1 AND request_id < $2 {narrow} ORDER BY request_id DESC LIMIT $4
            """, accountId, cursor ?? "~", value, (long)walkLimit).ListAsync(FromRow, ct), ct);
        var matches = new List<RequestLogEntry>();
        string? last = null;
        var walked = 0;
        foreach (var e in rows)
        {
            (last, walked) = (e.RequestId, walked + 1);
            if (filter.Matches(e)) matches.Add(e);
            if (matches.Count == limit) return new RequestLogWalk(matches, null);
        }
        return new RequestLogWalk(matches, walked == walkLimit ? last : null);
    }

    internal static RequestLogEntry FromRow(NpgsqlDataReader r) => new(
        r.GetString(0), r.OptString(1), r.OptString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.OptString(6), r.Time(7), r.GetDouble(8),
        r.GetBoolean(9), r.OptString(10), r.OptString(11));
}
