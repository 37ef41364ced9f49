using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Analytics;

/// <summary>
/// What each event counts as in the rollups: the one place that rule lives. Storage calls these inside the transaction
/// that writes the event (the request-log writer's batch for requests) and adds the result; reports read the keys back.
/// Keys are <c>part|dimension|…</c>; a dimension value never holds <c>|</c> (endpoints, ids, codes, model ids).
/// </summary>
public static class RollupRules
{
    public static RollupDelta? ForRequest(RequestLogEntry e)
    {
        if (e.AccountId is null) return null;
        var endpoint = $"{e.Method} {e.Endpoint}";
        var outcome = RequestClass(e.Status);
        var d = new RollupDelta(e.AccountId, e.At)
            .Count("req|total").Count($"req|class|{outcome}").Count($"req|status|{e.Status}")
            .Count($"req|ep|{endpoint}|total").Count($"req|ep|{endpoint}|{outcome}")
            .Count($"req|lat|{Histogram.Milliseconds.Bucket(e.DurationMs)}")
            .Sum("req|lat_ms", (decimal)Math.Round(e.DurationMs, 3));
        if (e.KeyId is not null) d.Count($"req|key|{e.KeyId}");
        if (e.BseCode is not null) d.Count($"req|code|{e.BseCode}").Count($"req|epcode|{endpoint}|{e.BseCode}");
        return d;
    }

    public static string RequestClass(int status) => status switch { < 400 => "success", < 500 => "client", _ => "server" };

    /// <summary>A generation admitted: counted once, when it is created.</summary>
    public static RollupDelta ForCreated(Generation g)
        => new RollupDelta(g.AccountId, g.CreatedAt).Count("gen|created").Count($"model|{g.ModelIdentifier}|generations");

    /// <summary>
    /// A state change of a generation. Only the step into a terminal state counts: its outcome, its model, every provider
    /// attempt it made and its inference time, in the bucket of its completion.
    /// </summary>
    public static RollupDelta? ForTransition(Generation before, Generation after)
    {
        if (before.Status.IsTerminal() || !after.Status.IsTerminal()) return null;
        var at = after.CompletedAt ?? after.CreatedAt;
        var status = after.Status.Name();
        var d = new RollupDelta(after.AccountId, at).Count($"gen|{status}").Count($"model|{after.ModelIdentifier}|{status}");
        if (after.Status != GenerationStatus.Canceled && after.Attempts.Count > 1) d.Count("gen|failed_over");
        if (after.Status == GenerationStatus.Succeeded) d.Sum($"model|{after.ModelIdentifier}|credits", after.Cost);
        foreach (var a in after.Attempts)
        {
            var p = $"prov|{a.Provider}|";
            d.Count(p + "attempts");
            var outcome = a.Outcome switch
            {
                AttemptOutcome.Used => "used",
                AttemptOutcome.Failed => "failed",
                AttemptOutcome.Abandoned => "discarded",
                AttemptOutcome.Canceled => "canceled",
                AttemptOutcome.Running when after.Status == GenerationStatus.Canceled => "canceled",
                _ => null,
            };
            if (outcome is not null) d.Count(p + outcome);
            if (a.Wasted) d.Count(p + "wasted").Sum(p + "cost_wasted", after.Cost);
            if (a.Outcome == AttemptOutcome.Used) d.Sum(p + "cost_used", after.Cost);
        }
        if (after.StartedAt is { } started && after.CompletedAt is { } completed && completed >= started)
        {
            // Whole milliseconds, as the record keeps its times: a recount from the stored row comes to the same sum.
            var seconds = (completed.ToUnixTimeMilliseconds() - started.ToUnixTimeMilliseconds()) / 1000m;
            d.Count($"gen|inf|{Histogram.Seconds.Bucket((double)seconds)}").Sum("gen|inf_s", seconds).Count("gen|inf_n");
        }
        return d;
    }

    /// <summary>A ledger movement, by type: reserved, charged, refunded, granted. An opening balance moves nothing: it sums entries already counted.</summary>
    public static RollupDelta? ForLedger(LedgerEntry e)
        => e.Type == LedgerType.Opening ? null : new RollupDelta(e.AccountId, e.CreatedAt).Count($"cr|{CreditKey(e.Type)}|n").Sum($"cr|{CreditKey(e.Type)}", e.Amount);

    public static string CreditKey(LedgerType type) => type switch
    {
        LedgerType.Reserve => "reserved",
        LedgerType.Charge => "charged",
        LedgerType.Refund => "refunded",
        _ => "granted",
    };

    /// <summary>
    /// A webhook delivery entering <paramref name="to"/> (from <paramref name="from"/>, null for a new one). Deliveries are
    /// counted by their current status in the bucket of their creation, so a status change moves one count.
    /// </summary>
    public static RollupDelta? ForDeliveryStatus(string accountId, DateTimeOffset createdAt, string? from, string to)
    {
        if (from == to) return null;
        var d = new RollupDelta(accountId, createdAt).Count($"wh|{to}");
        if (from is not null) d.Count($"wh|{from}", -1);
        return d;
    }

    /// <summary>Rows of <paramref name="accountId"/> removed by retention; rollups keep what they counted.</summary>
    public static RollupDelta ForGenerationsDeleted(string accountId, DateTimeOffset at, int count)
        => new RollupDelta(accountId, at).Count("gen|deleted", count);
}
