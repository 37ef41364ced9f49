using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>What every emulator needs: a clock, its options, the fault chooser and the shared output files.</summary>
public sealed record EmulatorContext(TimeProvider Time, IOptions<EmulatorOptions> Options, EmulatorFaults Faults, EmulatorFiles Files);
