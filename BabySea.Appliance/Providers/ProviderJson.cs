using System.Globalization;
using System.Text.Json.Nodes;

namespace BabySea.Appliance.Providers;

/// <summary>Tolerant readers for provider JSON: a field of the wrong type reads as absent, never as an exception.</summary>
public static class ProviderJson
{
    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    /// <summary>Splits a catalog size value (<c>"1024x768"</c>, DashScope's <c>"1024*768"</c>) for providers that want numbers.</summary>
    public static bool TrySplitSize(string text, out int width, out int height)
    {
        width = height = 0;
        var parts = text.Split('x', '*');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out height)
            && width > 0 && height > 0;
    }
}
