using System.Security.Cryptography;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>How the built-in emulators behave when a prompt says nothing (<c>Emulator</c> section).</summary>
public sealed class EmulatorOptions
{
    /// <value>Time an emulated image job takes. Default 300 ms.</value>
    public int ImageLatencyMs { get; set; } = 300;

    /// <value>Time an emulated video job takes. Default 1500 ms.</value>
    public int VideoLatencyMs { get; set; } = 1500;

    /// <value>Long edge in pixels of emulated images. Default 768; 16–2048.</value>
    public int ImageLongEdge { get; set; } = 768;

    /// <value>Long edge in pixels of emulated videos. Default 320; 16–1280.</value>
    public int VideoLongEdge { get; set; } = 320;

    /// <value>Probability (0–1) of each fault kind per provider id, or under <c>all</c> for every provider. Default none.</value>
    public Dictionary<string, Dictionary<string, double>> Faults { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Signs job tokens. Not a setting: the appliance keeps one in its data folder (so tokens outlive a restart), the
    /// standalone emulator makes one per process.
    /// </summary>
    internal byte[] TokenKey { get; set; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>Reads and checks the <c>Emulator</c> section; a mistake (misspelled key included) stops start-up naming the key.</summary>
    public static EmulatorOptions From(IConfiguration config)
    {
        var options = new EmulatorOptions();
        try
        {
            config.GetSection("Emulator").Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Emulator section: {ex.Message}", ex);
        }
        return options.Problem() is { } problem ? throw new InvalidOperationException(problem) : options;
    }

    /// <summary>The first configuration mistake, naming its key and allowed range, or null.</summary>
    public string? Problem()
    {
        if (ImageLatencyMs is < 0 or > 3_600_000 || VideoLatencyMs is < 0 or > 3_600_000)
            return $"Emulator:ImageLatencyMs ({ImageLatencyMs}) and Emulator:VideoLatencyMs ({VideoLatencyMs}) must be between 0 and 3600000.";
        if (ImageLongEdge is < 16 or > 2048) return $"Emulator:ImageLongEdge ({ImageLongEdge}) must be between 16 and 2048.";
        if (VideoLongEdge is < 16 or > 1280) return $"Emulator:VideoLongEdge ({VideoLongEdge}) must be between 16 and 1280.";
        foreach (var (scope, kinds) in Faults)
        {
            foreach (var (kind, probability) in kinds)
            {
                if (!FaultKinds.All.Contains(kind)) return $"Emulator:Faults:{scope}:{kind} is not a fault kind ({string.Join(", ", FaultKinds.All)}).";
                if (probability is < 0 or > 1) return $"Emulator:Faults:{scope}:{kind} ({probability}) must be between 0 and 1.";
            }
            if (kinds.Values.Sum() > 1) return $"Emulator:Faults:{scope}: the probabilities add up to more than 1.";
        }
        return null;
    }
}
