using System.Globalization;
using BabySea.Appliance.Analytics;

namespace BabySea.Appliance.Billing;

/// <summary>
/// How long a plan keeps each category of history (reference §6.6), from <c>config/plans.json</c>. Rollups are not
/// a category: day and all-time aggregates outlive the rows they counted; hour buckets go after a few days on every plan.
/// </summary>
public sealed record Retention(TimeSpan OutputFiles, TimeSpan Generations, TimeSpan RequestLogs, TimeSpan WebhookDeliveries, TimeSpan Activity,
    TimeSpan Ledger)
{
    public static readonly string[] Keys = ["output_files", "generations", "request_logs", "webhook_deliveries", "activity", "ledger"];

    /// <summary>
    /// What a sweep at <paramref name="now"/> may remove: rows older than each window. The ledger never folds past the
    /// generations cutoff, so a generation still on record keeps its reserve, charge and refund.
    /// </summary>
    public RetentionCutoffs Cutoffs(DateTimeOffset now)
    {
        var generations = now - Generations;
        return new RetentionCutoffs(now - OutputFiles, generations, now - RequestLogs, now - WebhookDeliveries, now - Activity,
            Min(now - Ledger, generations), RollupGrains.HoursKeptFrom(now));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>"12h", "7d": hours or days.</summary>
    public static TimeSpan ParseWindow(string text, string where)
    {
        if (text.Length > 1 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            if (text[^1] == 'h') return TimeSpan.FromHours(n);
            if (text[^1] == 'd') return TimeSpan.FromDays(n);
        }
        throw new InvalidOperationException($"{where}: '{text}' is not a window such as \"12h\" or \"30d\".");
    }
}

/// <summary>Per category, the time before which rows go.</summary>
public sealed record RetentionCutoffs(DateTimeOffset OutputFiles, DateTimeOffset Generations, DateTimeOffset RequestLogs, DateTimeOffset WebhookDeliveries,
    DateTimeOffset Activity, DateTimeOffset Ledger, DateTimeOffset HourRollups);
