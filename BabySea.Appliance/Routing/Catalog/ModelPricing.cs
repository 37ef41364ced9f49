namespace BabySea.Appliance.Routing.Catalog;

/// <summary>
/// Flat credits per output (images) or per second (video), or per-second rates keyed by tier: a resolution
/// (<c>720p</c>) or a resolution and audio mode (<c>720p_audio</c>, <c>720p_noaudio</c>).
/// </summary>
public sealed record ModelPricing(decimal? Flat, IReadOnlyDictionary<string, decimal>? Tiers)
{
    /// <summary>The rate that applies to a resolution and audio choice, or null when the catalog has no such tier.</summary>
    public decimal? RateFor(string? resolution, bool? audio)
    {
        if (Flat is { } flat) return flat;
        if (Tiers is null) return null;
        if (resolution is not null)
        {
            var audioKey = $"{resolution}_{(audio == true ? "audio" : "noaudio")}";
            if (Tiers.TryGetValue(audioKey, out var byAudio)) return byAudio;
            if (Tiers.TryGetValue(resolution, out var byResolution)) return byResolution;
        }
        return null;
    }
}
