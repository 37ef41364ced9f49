namespace BabySea.Appliance.Billing;

/// <summary>
/// A ledger movement decided by a rule, not yet written: storage writes it with the state change it pays for.
/// </summary>
/// <param name="GrantKey">For grants that must happen once (a period's renewal): the key that makes a second one impossible.</param>
public sealed record LedgerMovement(string AccountId, LedgerType Type, decimal Amount, string? GenerationId, string Description,
    string? GrantKey = null)
{
    /// <summary>What a movement of <paramref name="type"/> does to the balance: a reserve holds the cost, a charge settles
    /// what the reserve already holds, a refund returns it, a grant adds.</summary>
    public static decimal Delta(LedgerType type, decimal amount) => type switch
    {
        LedgerType.Reserve => -amount,
        LedgerType.Charge => 0m,
        LedgerType.Refund => amount,
        LedgerType.Add => amount,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public decimal Delta() => Delta(Type, Amount);

    /// <summary>The balance after this movement; a movement that would make it negative is a bug upstream, never written.</summary>
    public decimal BalanceAfter(decimal balance)
    {
        var after = balance + Delta();
        return after >= 0 ? after : throw new InvalidOperationException($"Ledger movement would make account {AccountId} negative.");
    }

    /// <summary>The movement a generation's step pays with; a free generation moves no money.</summary>
    public static LedgerMovement? ForGeneration(string accountId, string generationId, decimal cost, LedgerType type, string description)
        => cost > 0 ? new LedgerMovement(accountId, type, cost, generationId, description) : null;

    public static string TypeName(LedgerType t) => t.ToString().ToLowerInvariant();
}
