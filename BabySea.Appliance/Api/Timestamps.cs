using System.Globalization;

namespace BabySea.Appliance.Api;

/// <summary>ISO 8601 UTC with milliseconds, the only timestamp format the API emits.</summary>
public static class Timestamps
{
    public static string Format(DateTimeOffset t)
        => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Format(DateTimeOffset? t) => t is { } v ? Format(v) : null;
}
