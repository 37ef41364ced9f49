using System.Diagnostics.CodeAnalysis;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// Where the appliance keeps its data and how it names itself. Read once at start from configuration:
/// <c>BABYSEA_DATA_DIR</c> or <c>Appliance:DataDir</c> (default <c>./data</c>), <c>Appliance:PublicBaseUrl</c>,
/// <c>Appliance:OutputUrlLifetime</c>, and <c>Storage:Durability</c> (default <c>true</c>: every acknowledged write is
/// forced to disk; <c>false</c> trades that for speed, and a power loss may then drop the last acknowledged writes).
/// <see cref="Storage"/> says which engine holds the data and where output files go.
/// </summary>
public sealed record ApplianceSettings(string DataDir, string? PublicBaseUrl, TimeSpan OutputUrlLifetime, bool Durable = true)
{
    public StorageSettings Storage { get; init; } = new(StorageEngines.LiteDb, null, Path.Combine(DataDir, "artifacts"), Durable);

    /// <summary>
    /// Reads the <c>Appliance</c> and <c>Storage</c> sections and checks the other small sections of the appliance's
    /// own (<see cref="SettingsSections"/>), before anything is opened: a key the appliance does not know or a value
    /// out of range stops start-up with one line naming the setting and what it allows.
    /// </summary>
    public static ApplianceSettings From(IConfiguration config)
    {
        var appliance = Section<ApplianceSection>(config, "Appliance", (s, o) => s.Bind(o, Strictly));
        var storage = Section<StorageSection>(config, "Storage", (s, o) => s.Bind(o, Strictly));
        SettingsSections.Check(config);
        var dataDir = Path.GetFullPath(config["BABYSEA_DATA_DIR"] is { Length: > 0 } d ? d : appliance.DataDir is { Length: > 0 } a ? a : "./data");
        var artifacts = Path.GetFullPath(storage.ArtifactsPath is { Length: > 0 } p ? p : Path.Combine(dataDir, "artifacts"));
        return new ApplianceSettings(dataDir, string.IsNullOrWhiteSpace(appliance.PublicBaseUrl) ? null : appliance.PublicBaseUrl,
            appliance.OutputUrlLifetime, storage.Durability)
        {
            Storage = new StorageSettings(storage.Engine.ToLowerInvariant(), storage.ConnectionString, artifacts, storage.Durability),
        };
    }

    /// <summary>
    /// Binds one section of the appliance's own settings and checks it: the section's keys must be
    /// <typeparamref name="T"/>'s properties (a typo is named with the keys the section takes), the binder refuses values
    /// of the wrong type and unknown keys further down, and <see cref="ISettingsSection.Problem"/> checks the ranges.
    /// </summary>
    /// <param name="bind">
    /// <c>(section, options) =&gt; section.Bind(options, Strictly)</c>: written at each call so the configuration-binding
    /// source generator sees the concrete type (no reflection binding under AOT).
    /// </param>
    public static T Section<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        IConfiguration config, string path, Action<IConfigurationSection, T> bind) where T : ISettingsSection, new()
    {
        var section = config.GetSection(path);
        var known = typeof(T).GetProperties().Where(p => p.SetMethod?.IsPublic == true).Select(p => p.Name).ToArray();
        if (section.GetChildren().FirstOrDefault(c => !known.Contains(c.Key, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            throw new InvalidOperationException($"{unknown.Path} is not a setting; {path} takes {string.Join(", ", known)}.");
        var options = new T();
        try
        {
            bind(section, options);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{path} section: {ex.Message}", ex);
        }
        return options.Problem(path) is { } problem ? throw new InvalidOperationException(problem) : options;
    }

    /// <summary>The binder options of every strict section: a key deeper down that no property takes is an error too.</summary>
    public static void Strictly(BinderOptions options) => options.ErrorOnUnknownConfiguration = true;
}

/// <summary>A section of the appliance's own settings, as bound by <see cref="ApplianceSettings.Section{T}"/>.</summary>
public interface ISettingsSection
{
    /// <summary>The first value out of range, as one line naming its key (under <paramref name="path"/>) and what it allows; or null.</summary>
    string? Problem(string path);
}
