namespace BabySea.Appliance.Billing;

/// <summary>Credit grants and the ledger read model. Reservations, charges and refunds are written by the
/// generation store in the same transaction as the state change they pay for.</summary>
public interface ILedgerStore
{
    Task<LedgerEntry?> AddCreditsAsync(string accountId, decimal amount, string description, CancellationToken ct);

    /// <summary>Adds a grant once per <paramref name="grantKey"/>; null when it was already granted or the account is gone.</summary>
    Task<LedgerEntry?> GrantOnceAsync(string accountId, decimal amount, string grantKey, string description, CancellationToken ct);
    IReadOnlyList<LedgerEntry> Entries(string accountId);
}
