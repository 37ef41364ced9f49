using System.Security.Cryptography;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>How the built-in emulators behave when a prompt says nothing (<c>Emulator</c> section).</summary>
public sealed class EmulatorOptions
{
    /// <value>Time an emulated image job takes. Default 300 ms.</value>
    public int ImageLatencyMs { get; set; } = 300;

    /// <value>Time an emulated video job takes. Default 1500 ms.</value>
    public int VideoLatencyMs { get; set; } = 1500;

    /// <value>Long edge in pixels of emulated images. Default 768; 64–2048.</value>
    public int ImageLongEdge { get; set; } = 768;

    /// <value>Long edge in pixels of emulated videos. Default 320; 64–1280.</value>
    public int VideoLongEdge { get; set; } = 320;

    /// <value>Probability (0–1) of each fault kind per provider id, or under <c>all</c> for every provider. Default none.</value>
    public Dictionary<string, Dictionary<string, double>> Faults { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Signs job tokens. Not a setting: the appliance keeps one in its data folder (so tokens outlive a restart), the
    /// standalone emulator makes one per process.
    /// </summary>
    internal byte[] TokenKey { get; set; } = RandomNumberGenerator.GetBytes(32);
}
