namespace BabySea.Appliance.Accounts;

/// <summary>The six scopes and four presets of reference §5.1.</summary>
public static class Scopes
{
    public const string GenerationWrite = "generation:write";
    public const string GenerationRead = "generation:read";
    public const string GenerationDelete = "generation:delete";
    public const string AccountRead = "account:read";
    public const string HealthRead = "health:read";
    public const string LibraryRead = "library:read";

    public static readonly IReadOnlyList<string> All =
        [GenerationWrite, GenerationRead, GenerationDelete, AccountRead, HealthRead, LibraryRead];

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Presets = new Dictionary<string, IReadOnlyList<string>>
    {
        ["full_access"] = All,
        ["generate_only"] = [GenerationWrite, GenerationRead, LibraryRead],
        ["read_only"] = [GenerationRead, AccountRead, HealthRead, LibraryRead],
        ["monitor_only"] = [HealthRead, LibraryRead],
    };
}
