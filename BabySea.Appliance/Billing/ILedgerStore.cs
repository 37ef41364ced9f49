namespace BabySea.Appliance.Billing;

/// <summary>Credit grants and the ledger read model. Reservations, charges and refunds are written by the
/// generation store in the same transaction as the state change they pay for.</summary>
/// <summary>The last verified entry of an account's ledger and the balance it left: later checks start after it.</summary>
public sealed record LedgerCheckpoint(string AccountId, string? LastEntryId, decimal Balance);

public interface ILedgerStore
{
    Task<LedgerEntry?> AddCreditsAsync(string accountId, decimal amount, string description, CancellationToken ct);

    /// <summary>Adds a grant once per <paramref name="grantKey"/>; null when it was already granted or the account is gone.</summary>
    Task<LedgerEntry?> GrantOnceAsync(string accountId, decimal amount, string grantKey, string description, CancellationToken ct);

    /// <summary>Every entry of the account, oldest first (the verify verb).</summary>
    Task<IReadOnlyList<LedgerEntry>> EntriesAsync(string accountId, CancellationToken ct);

    /// <summary>A page of entries newest first, after <paramref name="cursor"/> (the last entry id of the previous page).</summary>
    Task<IReadOnlyList<LedgerEntry>> PageAsync(string accountId, string? cursor, int limit, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="afterId"/> (from the first when null), oldest first.</summary>
    Task<IReadOnlyList<LedgerEntry>> AfterAsync(string accountId, string? afterId, int limit, CancellationToken ct);

    /// <summary>
    /// The checkpoint (at no entry and 0 for one never checked) of every account whose newest ledger entry or balance is
    /// not the checkpoint's. The account row knows its newest entry, so no ledger is read to find them.
    /// </summary>
    Task<IReadOnlyList<LedgerCheckpoint>> MovedSinceCheckpointsAsync(CancellationToken ct);

    Task SaveCheckpointsAsync(IReadOnlyList<LedgerCheckpoint> checkpoints, CancellationToken ct);
}
