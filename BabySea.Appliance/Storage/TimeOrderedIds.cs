namespace BabySea.Appliance.Storage;

/// <summary>
/// Generation ids are UUIDv7 made from the generation's creation time (see <c>GenerationIntake</c>), so their text sorts by
/// creation time to the millisecond; a time is a bound in an index of ids.
/// </summary>
internal static class TimeOrderedIds
{
    /// <summary>The UUIDv7 prefix of <paramref name="t"/>'s millisecond: every id made before it sorts below, every id made at or after it above.</summary>
    public static string Floor(DateTimeOffset t)
    {
        var hex = Math.Max(0, t.ToUnixTimeMilliseconds()).ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
        return hex[..8] + "-" + hex[8..];
    }
}
