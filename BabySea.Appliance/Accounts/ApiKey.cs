namespace BabySea.Appliance.Accounts;

/// <summary>A stored API key: never the key itself, only its SHA-256 and its 9-character display prefix.</summary>
public sealed record ApiKey(
    string Id,
    string AccountId,
    string Name,
    string Prefix,
    string Hash,
    IReadOnlyList<string> Scopes,
    bool Revoked,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> IpAllowlist,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt)
{
    public string StatusAt(DateTimeOffset now) => Revoked ? "revoked" : ExpiresAt <= now ? "expired" : "active";
}
