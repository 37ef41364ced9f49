namespace BabySea.Appliance.Hosting;

/// <summary>
/// Where the appliance keeps its data and how it names itself. Read once at start from configuration:
/// <c>BABYSEA_DATA_DIR</c> or <c>Appliance:DataDir</c> (default <c>./data</c>), <c>Appliance:PublicBaseUrl</c>,
/// <c>Appliance:OutputUrlLifetime</c>, and <c>Storage:Durability</c> (default <c>true</c>: every acknowledged write is
/// forced to disk; <c>false</c> trades that for speed, and a power loss may then drop the last acknowledged writes).
/// </summary>
public sealed record ApplianceSettings(string DataDir, string? PublicBaseUrl, TimeSpan OutputUrlLifetime, bool Durable = true)
{
    public static ApplianceSettings From(IConfiguration config)
    {
        var dataDir = Path.GetFullPath(config["BABYSEA_DATA_DIR"] is { Length: > 0 } d ? d : config["Appliance:DataDir"] ?? "./data");
        var publicBase = config["Appliance:PublicBaseUrl"];
        if (publicBase is { Length: > 0 } && !Uri.TryCreate(publicBase, UriKind.Absolute, out _))
            throw new InvalidOperationException($"Appliance:PublicBaseUrl '{publicBase}' is not an absolute URL.");
        var lifetime = config["Appliance:OutputUrlLifetime"] is { Length: > 0 } l ? TimeSpan.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : TimeSpan.FromHours(1);
        if (lifetime <= TimeSpan.Zero) throw new InvalidOperationException("Appliance:OutputUrlLifetime must be positive.");
        var durable = config["Storage:Durability"] switch
        {
            null or "" or "true" or "True" => true,
            "false" or "False" => false,
            var other => throw new InvalidOperationException($"Storage:Durability '{other}' must be true or false."),
        };
        return new ApplianceSettings(dataDir, string.IsNullOrWhiteSpace(publicBase) ? null : publicBase, lifetime, durable);
    }
}
