namespace BabySea.Appliance.Billing;

/// <summary>Retention deletes, applied by storage in bounded batches, each its own short writer command.</summary>
public interface IRetentionStore
{
    /// <summary>
    /// Removes up to <paramref name="batch"/> rows per category of one account from before its cutoffs: output files (the
    /// record stays, marked removed), finished generations with their files, request logs, settled webhook deliveries with
    /// their attempts, activity, hour rollup buckets; and folds ledger entries into one opening-balance entry. Returns how
    /// many of each went.
    /// </summary>
    Task<RetentionSwept> SweepAsync(string accountId, RetentionCutoffs cutoffs, int batch, CancellationToken ct);

    /// <summary>When the account's rows of a category were last swept up to (null: never), so checks know what may be gone.</summary>
    Task<DateTimeOffset?> SweptUntilAsync(string accountId, string category, CancellationToken ct);
}

public sealed record RetentionSwept(int OutputFiles, int Generations, int RequestLogs, int WebhookDeliveries, int Activity, int LedgerFolded, int HourRollups)
{
    public static readonly RetentionSwept None = new(0, 0, 0, 0, 0, 0, 0);

    public int Total => OutputFiles + Generations + RequestLogs + WebhookDeliveries + Activity + LedgerFolded + HourRollups;

    public RetentionSwept Add(RetentionSwept o) => new(OutputFiles + o.OutputFiles, Generations + o.Generations, RequestLogs + o.RequestLogs,
        WebhookDeliveries + o.WebhookDeliveries, Activity + o.Activity, LedgerFolded + o.LedgerFolded, HourRollups + o.HourRollups);
}
