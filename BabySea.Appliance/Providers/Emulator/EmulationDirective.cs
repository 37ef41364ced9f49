using System.Globalization;
using System.Text.RegularExpressions;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// A fault to rehearse, written in the prompt as <c>[[emulate KIND]]</c> (every emulator) or
/// <c>[[emulate PROVIDER:KIND]]</c> (that provider only); KIND is one of <see cref="FaultKinds"/>.
/// A provider-specific directive wins over a general one.
/// </summary>
public sealed partial record EmulationDirective(string Kind, int? Milliseconds)
{
    public static readonly EmulationDirective Ok = new(FaultKinds.Ok, null);

    /// <summary>The directive the prompt gives this provider, or null when it gives none.</summary>
    public static EmulationDirective? Find(string provider, string? prompt)
    {
        if (string.IsNullOrEmpty(prompt)) return null;
        EmulationDirective? general = null;
        foreach (Match m in Pattern().Matches(prompt))
        {
            var parts = m.Groups[1].Value.Split(':');
            var target = ProviderModules.Find(parts[0]) is not null ? parts[0] : null;
            var rest = target is null ? parts : parts[1..];
            if (rest.Length == 0) continue;
            var directive = new EmulationDirective(rest[0],
                rest.Length > 1 && int.TryParse(rest[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null);
            if (target == provider) return directive;
            if (target is null) general ??= directive;
        }
        return general;
    }

    [GeneratedRegex(@"\[\[emulate\s+([a-z0-9_:]+)\s*\]\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
