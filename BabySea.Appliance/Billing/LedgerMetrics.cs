using System.Diagnostics.Metrics;

namespace BabySea.Appliance.Billing;

/// <summary>Credits moved through the ledger since start, by movement: what was reserved, charged and refunded.</summary>
public sealed class LedgerMetrics
{
    private readonly Counter<double> _credits;

    public LedgerMetrics(IMeterFactory meters)
        => _credits = meters.Create("BabySea.Appliance.Billing").CreateCounter<double>("babysea.ledger.credits", "{credit}",
            "Credits (USD) moved through committed ledger entries, by movement (reserve, charge, refund).");

    /// <summary>Called once the movement is committed; a free generation moves nothing.</summary>
    public void Moved(LedgerType type, decimal amount)
    {
        if (amount > 0) _credits.Add((double)amount, new KeyValuePair<string, object?>("movement", LedgerMovement.TypeName(type)));
    }
}
