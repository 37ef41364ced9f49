using System.Security.Cryptography;
using System.Text;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Api.RateLimiting;

namespace BabySea.Appliance.Api.Admin;

/// <summary>The admin token, compared in constant time. An empty token would match an empty candidate, so it cannot exist.</summary>
public sealed class AdminToken
{
    private readonly byte[] _hash;

    public AdminToken(string token)
    {
        if (string.IsNullOrWhiteSpace(token)) throw new ArgumentException("The admin token must not be empty.", nameof(token));
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    // Both sides are hashed first so the comparison takes the same time whatever the candidate's length.
    public bool Matches(string candidate)
        => candidate.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), _hash);
}

/// <summary>Puts an admin route group behind the admin token, with failed attempts limited per client IP like API keys.</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder RequireAdminToken(this RouteGroupBuilder group) => group.WithMetadata(AdminTokenRequired.Instance).AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        var failures = http.RequestServices.GetRequiredService<AuthFailureLimiter>();
        var ip = http.Connection.RemoteIpAddress;
        if (failures.Refusal(ip) is { } blocked) return blocked;
        var header = http.Request.Headers.Authorization.ToString();
        ApiError? error = null;
        if (string.IsNullOrEmpty(header))
            error = new ApiError(BseCode.AuthenticationRequired, "The admin API needs Authorization: Bearer <admin token>.");
        else if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                 || !http.RequestServices.GetRequiredService<AdminToken>().Matches(header[7..].Trim()))
            error = new ApiError(BseCode.AuthenticationFailed, "The admin token is not valid.");
        if (error is null) return await next(context);
        failures.Failed(ip);
        return error;
    });

    public static IResult Answer<T>((T? Data, ApiError? Error) result, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string message) where T : class
        => result.Error ?? (IResult)ApiResults.Ok(result.Data!, info, message);
}
