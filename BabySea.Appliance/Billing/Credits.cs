namespace BabySea.Appliance.Billing;

/// <summary>Credits are decimal dollars with exactly three places; prices round up so nothing is sold below cost.</summary>
public static class Credits
{
    public const int Scale = 3;

    public static decimal RoundUp(decimal value) => Math.Ceiling(value * 1000m) / 1000m;

    public static bool HasValidScale(decimal value) => decimal.Round(value, Scale) == value;
}
