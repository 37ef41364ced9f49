using System.Globalization;
using System.Text.RegularExpressions;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;

namespace BabySea.Appliance.Analytics;

/// <summary>
/// The history read endpoints, shared by <c>/v1</c> (the caller's account) and <c>/admin/v1</c> (any account): query
/// checking, then one read of rollups or one index walk. Bad query values are BSE2001 naming the parameter.
/// </summary>
public sealed partial class HistoryViews(AnalyticsReport analytics, IRequestLogStore logs, ILedgerStore ledger, IAccountStore accounts,
    RequestLogWriter writer)
{
    public const int MaxPage = 500;

    public async Task<(AnalyticsData? Data, ApiError? Error)> AnalyticsAsync(string accountId, string? period, CancellationToken ct)
    {
        period = string.IsNullOrEmpty(period) ? "7d" : period;
        if (!AnalyticsReport.Periods.Contains(period))
            return (null, ApiError.Field("period", $"period must be one of {string.Join(", ", AnalyticsReport.Periods)}."));
        return (await analytics.BuildAsync(accountId, period, ct), null);
    }

    /// <summary>
    /// Rows one filtered page may walk: a filter few rows match ends the page early, with fewer items and a cursor to walk on
    /// from, rather than reading an account's whole log.
    /// </summary>
    public const int FilterWalk = 2000;

    public async Task<(RequestLogPageData? Data, ApiError? Error)> LogsAsync(string accountId, IQueryCollection q, CancellationToken ct)
    {
        if (!QueryInt.TryRead(q["limit"], "limit", 100, 1, MaxPage, out var limit, out var error)) return (null, error);
        string? cursor = q["cursor"];
        if (!string.IsNullOrEmpty(cursor) && !RequestIdShape().IsMatch(cursor)) return (null, ApiError.Field("cursor", "cursor is not one this endpoint returned."));
        int? status = null;
        if (!string.IsNullOrEmpty(q["status"]))
        {
            if (!QueryInt.TryRead(q["status"], "status", 0, 100, 599, out var s, out error)) return (null, error);
            status = s;
        }
        foreach (var name in new[] { "method", "endpoint", "key_id", "bse_code", "q" })
            if (q[name].ToString().Length > 200) return (null, ApiError.Field(name, $"{name} is at most 200 characters."));
        var filter = new RequestLogFilter(status, Text(q["method"])?.ToUpperInvariant(), Text(q["endpoint"]), Text(q["key_id"]),
            Text(q["bse_code"])?.ToUpperInvariant(), Text(q["q"]));
        await writer.FlushAsync();
        var walk = await logs.PageAsync(accountId, filter, string.IsNullOrEmpty(cursor) ? null : cursor, limit + 1, filter.IsEmpty ? limit + 1 : FilterWalk, ct);
        var rows = walk.Matches;
        var page = rows.Take(limit).ToArray();
        var keys = (await accounts.ListKeysAsync(accountId, ct)).ToDictionary(k => k.Id, StringComparer.Ordinal);
        var items = page.Select(e =>
        {
            var key = e.KeyId is { } id ? keys.GetValueOrDefault(id) : null;
            return new RequestLogItemData(e.RequestId, e.KeyId, key?.Name, key?.Prefix, e.Method, e.Endpoint, e.Status, e.BseCode, e.Replay, e.IpHash,
                e.UserAgent, Math.Round(e.DurationMs, 3), Timestamps.Format(e.At));
        }).ToArray();
        return (new RequestLogPageData(items, rows.Count > limit ? page[^1].RequestId : walk.StoppedAt), null);
    }

    public Task<(LedgerPageData? Data, ApiError? Error)> LedgerAsync(Account account, string? rawLimit, string? cursor, CancellationToken ct)
        => LedgerPageAsync(ledger, account, rawLimit, cursor, ct);

    public static async Task<(LedgerPageData? Data, ApiError? Error)> LedgerPageAsync(ILedgerStore ledger, Account account, string? rawLimit, string? cursor,
        CancellationToken ct)
    {
        if (!QueryInt.TryRead(rawLimit, "limit", 100, 1, MaxPage, out var limit, out var error)) return (null, error);
        if (!string.IsNullOrEmpty(cursor) && !EntryIdShape().IsMatch(cursor)) return (null, ApiError.Field("cursor", "cursor is not one this endpoint returned."));
        var rows = await ledger.PageAsync(account.Id, string.IsNullOrEmpty(cursor) ? null : cursor, limit + 1, ct);
        var page = rows.Take(limit).ToArray();
        return (new LedgerPageData(account.Balance, page.Select(e => new LedgerItemData(e.Id, e.Type.ToString().ToLowerInvariant(), e.Amount, e.Delta,
            e.BalanceAfter, e.Description, e.GenerationId, Timestamps.Format(e.CreatedAt))).ToArray(), rows.Count > limit ? page[^1].Id : null), null);
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^req_[0-9A-Z]{26}$")]
    private static partial Regex RequestIdShape();

    [GeneratedRegex("^[0-9a-f]{24}$")]
    private static partial Regex EntryIdShape();
}
