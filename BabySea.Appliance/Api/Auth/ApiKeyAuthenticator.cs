using System.Collections.Concurrent;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api.RateLimiting;

namespace BabySea.Appliance.Api.Auth;

/// <summary>
/// The per-request check of reference §5.1: bearer → key by hash → lifecycle (revoked, expired) → account →
/// IP allowlist → scope. The raw key is never stored or logged; only its hash is looked up, in the
/// <see cref="CredentialCache"/> first (revokes and plan changes made elsewhere apply within its lifetime).
/// </summary>
public sealed class ApiKeyAuthenticator(IAccountStore accounts, CredentialCache credentials, AuthFailureLimiter failures, TimeProvider time)
{
    // last_used_at is display data: one write per key per minute is plenty and keeps reads off the writer.
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    /// <param name="scopes">Every scope the route needs; the first one the key lacks is named in BSE1003.</param>
    public async Task<(Caller? Caller, ApiError? Error)> AuthenticateAsync(HttpContext http, IReadOnlyList<string> scopes)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (failures.Refusal(ip) is { } blocked) return (null, blocked);
        var (caller, error) = await CheckAsync(http, scopes);
        if (error?.Code is BseCode.AuthenticationRequired or BseCode.AuthenticationFailed) failures.Failed(ip);
        return (caller, error);
    }

    private async Task<(Caller? Caller, ApiError? Error)> CheckAsync(HttpContext http, IReadOnlyList<string> scopes)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
            return (null, new ApiError(BseCode.AuthenticationRequired, "An API key is required: send Authorization: Bearer bye_..."));
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return (null, new ApiError(BseCode.AuthenticationRequired, "The Authorization header must use the Bearer scheme."));
        var raw = header[7..].Trim();
        if (!ApiKeyMaterial.LooksValid(raw)) return (null, new ApiError(BseCode.AuthenticationFailed, "The API key is not valid."));
        var hash = ApiKeyMaterial.Hash(raw);
        var cached = credentials.Find(hash);
        var version = credentials.Version;
        if ((cached?.Key ?? await accounts.FindKeyByHashAsync(hash, http.RequestAborted)) is not { } key)
            return (null, new ApiError(BseCode.AuthenticationFailed, "The API key is not valid."));

        var now = time.GetUtcNow();
        switch (key.StatusAt(now))
        {
            case "revoked": return (null, new ApiError(BseCode.AuthenticationFailed, "The API key has been revoked."));
            case "expired": return (null, new ApiError(BseCode.AuthenticationFailed, "The API key has expired."));
        }
        if ((cached?.Account ?? await accounts.FindAccountAsync(key.AccountId, http.RequestAborted)) is not { } account)
            return (null, new ApiError(BseCode.AccountNotFound, "The account of this API key no longer exists."));
        if (cached is null) credentials.Keep(hash, key, account, version);
        if (key.IpAllowlist.Count > 0)
        {
            var ip = http.Connection.RemoteIpAddress;
            var text = ip is null ? "" : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
            if (!key.IpAllowlist.Contains(text))
                return (null, new ApiError(BseCode.IpNotAllowed, "This IP address is not in the allowlist for this API key."));
        }
        if (scopes.FirstOrDefault(s => !key.Scopes.Contains(s)) is { } scope)
            return (null, new ApiError(BseCode.InsufficientPermissions, $"This API key lacks the '{scope}' scope.").With("required_scope", scope));

        if (!_touched.TryGetValue(key.Id, out var last) || now - last > TouchInterval)
        {
            _touched[key.Id] = now;
            _ = accounts.TouchKeyAsync(key.Id, now, CancellationToken.None);
        }
        return (new Caller(account, key), null);
    }
}
