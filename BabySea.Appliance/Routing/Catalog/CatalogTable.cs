using System.Globalization;
using System.Text;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Routing.Catalog;

/// <summary>
/// The catalog as a Markdown table (model, type, providers in catalog order, list price), printed by the
/// <c>models</c> verb and pasted into the README, so the documented catalog is the shipped one.
/// </summary>
public static class CatalogTable
{
    public static string Markdown(ModelCatalog catalog)
    {
        var text = new StringBuilder();
        text.Append("| Model | Type | Providers | Price (USD) |\n|---|---|---|---|\n");
        foreach (var m in catalog.Models)
            text.Append(CultureInfo.InvariantCulture,
                $"| `{m.Id}` | {m.Type.Name()} | {string.Join(", ", m.Providers.Select(p => p.Provider))} | {Price(m)} |\n");
        return text.ToString();
    }

    /// <summary>Per image, per second, or per second by resolution with the audio rate beside the silent one.</summary>
    private static string Price(CatalogModel m)
    {
        if (m.Pricing.Flat is { } flat) return $"{Money(flat)} per {(m.Type == MediaType.Image ? "image" : "second")}";
        return string.Join("; ", (m.Schema.Resolutions ?? []).Select(resolution =>
        {
            var silent = m.Pricing.RateFor(resolution, false);
            var audio = m.Pricing.RateFor(resolution, true);
            return audio != silent ? $"{resolution} {Money(silent!.Value)}/s, with audio {Money(audio!.Value)}/s" : $"{resolution} {Money(silent!.Value)}/s";
        }));
    }

    private static string Money(decimal value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
