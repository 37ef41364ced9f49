using BabySea.Appliance.Generations;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Billing;

/// <summary>What a generation costs, fixed before reservation: per output for images, per second for video.</summary>
public static class Pricing
{
    /// <summary>The per-output (image) or per-second (video) rate, or null when the catalog prices no such variant.</summary>
    public static decimal? Rate(CatalogModel model, string? resolution, bool? audio)
        => model.Pricing.RateFor(resolution, audio);

    public static decimal? CostPerGeneration(CatalogModel model, double? duration, string? resolution, bool? audio)
    {
        if (Rate(model, resolution, audio) is not { } rate) return null;
        return model.Type == MediaType.Image ? rate : Credits.RoundUp(rate * (decimal)(duration ?? 0));
    }

    public static decimal? Total(CatalogModel model, GenerationRequest r)
        => CostPerGeneration(model, r.Duration, r.Resolution, r.GenerateAudio) is { } each ? each * r.OutputNumber : null;
}
