using System.Globalization;

namespace BabySea.Appliance.Billing;

/// <summary>
/// Low-balance thresholds (reference §6.4). A threshold fires once when the balance drops strictly below it and
/// re-arms when the balance is back at or above it; thresholds crossed by one movement are reported together.
/// </summary>
public static class LowBalanceAlerts
{
    public static readonly IReadOnlyList<decimal> DefaultThresholds = [0.500m];
    public const int MaxThresholds = 10;

    public sealed record Settings(bool Enabled, IReadOnlyList<decimal> Thresholds, bool Custom);

    /// <summary>What a new balance does to the fired set: which thresholds it crosses now, and the fired set after it.</summary>
    public static (IReadOnlyList<decimal> Crossed, IReadOnlyList<decimal> Fired) Evaluate(Settings settings, IReadOnlyCollection<decimal> fired, decimal balance)
    {
        if (!settings.Enabled) return ([], fired.ToArray());
        var stillFired = fired.Where(t => balance < t && settings.Thresholds.Contains(t)).ToList();
        var crossed = settings.Thresholds.Where(t => balance < t && !stillFired.Contains(t)).OrderByDescending(t => t).ToArray();
        return (crossed, [.. stillFired, .. crossed]);
    }

    /// <summary>The audit line of a movement that crossed <paramref name="crossed"/>.</summary>
    public static string Describe(decimal balance, IReadOnlyList<decimal> crossed)
        => string.Create(CultureInfo.InvariantCulture, $"Balance {balance:0.000} dropped below {string.Join(", ", crossed.Select(t => t.ToString("0.000", CultureInfo.InvariantCulture)))}");
}
