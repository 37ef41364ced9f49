namespace BabySea.Appliance.Hosting;

/// <summary>
/// Where the appliance keeps its data and how it names itself. Read once at start from configuration:
/// <c>BABYSEA_DATA_DIR</c> or <c>Appliance:DataDir</c> (default <c>./data</c>), <c>Appliance:PublicBaseUrl</c>,
/// <c>Appliance:OutputUrlLifetime</c>.
/// </summary>
public sealed record ApplianceSettings(string DataDir, string? PublicBaseUrl, TimeSpan OutputUrlLifetime)
{
    public static ApplianceSettings From(IConfiguration config)
    {
        var dataDir = Path.GetFullPath(config["BABYSEA_DATA_DIR"] is { Length: > 0 } d ? d : config["Appliance:DataDir"] ?? "./data");
        var publicBase = config["Appliance:PublicBaseUrl"];
        if (publicBase is { Length: > 0 } && !Uri.TryCreate(publicBase, UriKind.Absolute, out _))
            throw new InvalidOperationException($"Appliance:PublicBaseUrl '{publicBase}' is not an absolute URL.");
        var lifetime = config["Appliance:OutputUrlLifetime"] is { Length: > 0 } l ? TimeSpan.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : TimeSpan.FromHours(1);
        if (lifetime <= TimeSpan.Zero) throw new InvalidOperationException("Appliance:OutputUrlLifetime must be positive.");
        return new ApplianceSettings(dataDir, string.IsNullOrWhiteSpace(publicBase) ? null : publicBase, lifetime);
    }
}
