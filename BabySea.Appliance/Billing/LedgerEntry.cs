namespace BabySea.Appliance.Billing;

/// <summary>
/// One immutable ledger movement. <see cref="Amount"/> is what the movement is about; <see cref="Delta"/> is
/// what it did to the balance (reserve −, charge 0, refund +, add +), so a balance is the sum of its deltas.
/// </summary>
public sealed record LedgerEntry(
    string Id,
    string AccountId,
    LedgerType Type,
    decimal Amount,
    decimal Delta,
    decimal BalanceAfter,
    string? GenerationId,
    string Description,
    DateTimeOffset CreatedAt);

/// <summary><see cref="Opening"/>: entries past the ledger's retention window, folded into one that carries their sum.</summary>
public enum LedgerType { Reserve, Charge, Refund, Add, Opening }
