using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// Picks the fault an emulated call rehearses: the prompt's directive first, otherwise a draw from the configured
/// probabilities (<c>Emulator:Faults:{provider}:{kind}</c>, or <c>Emulator:Faults:all:{kind}</c> for every
/// provider), otherwise <c>ok</c>.
/// </summary>
public sealed class EmulatorFaults(IOptions<EmulatorOptions> options)
{
    public EmulationDirective Choose(string provider, string? prompt)
    {
        if (EmulationDirective.Find(provider, prompt) is { } directive) return directive;
        var faults = options.Value.Faults;
        var draw = Random.Shared.NextDouble();
        foreach (var scope in new[] { provider, "all" })
        {
            if (!faults.TryGetValue(scope, out var kinds)) continue;
            foreach (var (kind, probability) in kinds)
            {
                if (draw < probability) return new EmulationDirective(kind, null);
                draw -= probability;
            }
        }
        return EmulationDirective.Ok;
    }
}
