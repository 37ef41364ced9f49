using System.Globalization;

namespace BabySea.Appliance.Api;

/// <summary>An integer query parameter: absent → default; not an integer or out of range → BSE2001 naming it.</summary>
public static class QueryInt
{
    public static bool TryRead(string? raw, string name, int fallback, int min, int max, out int value, out ApiError? error)
    {
        error = null;
        value = fallback;
        if (string.IsNullOrEmpty(raw)) return true;
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max) return true;
        error = ApiError.Field(name, $"{name} must be an integer between {min} and {max}.");
        return false;
    }
}
