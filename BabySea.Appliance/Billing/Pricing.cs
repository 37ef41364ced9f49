using BabySea.Appliance.Generations;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Billing;

/// <summary>What a generation costs, fixed before reservation: per output for images, per second for video.</summary>
public static class Pricing
{
    /// <summary>The per-output (image) or per-second (video) rate, or null when the catalog prices no such variant.</summary>
    public static decimal? Rate(CatalogModel model, string? resolution, bool? audio)
        => model.Pricing.RateFor(resolution, audio);

    /// <summary>The longest duration priced: a day of video, far beyond any model, while rate × seconds stays exact in decimal.</summary>
    public const double MaxPricedSeconds = 86_400;

    /// <summary>The cost of one output, or null when the variant has no price or the duration cannot be priced (not a number, negative, or over a day).</summary>
    public static decimal? CostPerGeneration(CatalogModel model, double? duration, string? resolution, bool? audio)
    {
        if (Rate(model, resolution, audio) is not { } rate) return null;
        if (model.Type == MediaType.Image) return rate;
        var seconds = duration ?? 0;
        // NaN fails both comparisons; the cast to decimal below would otherwise throw on NaN or 1e30.
        if (!(seconds >= 0 && seconds <= MaxPricedSeconds)) return null;
        return Credits.RoundUp(rate * (decimal)seconds);
    }

    public static decimal? Total(CatalogModel model, GenerationRequest r)
        => CostPerGeneration(model, r.Duration, r.Resolution, r.GenerateAudio) is { } each ? each * r.OutputNumber : null;
}
