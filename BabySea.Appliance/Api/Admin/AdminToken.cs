using System.Security.Cryptography;
using System.Text;

namespace BabySea.Appliance.Api.Admin;

/// <summary>The admin token, compared in constant time.</summary>
public sealed class AdminToken(string token)
{
    public bool Matches(string candidate)
        => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>Puts an admin route group behind the admin token.</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder RequireAdminToken(this RouteGroupBuilder group) => group.AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return new ApiError(BseCode.AuthenticationRequired, "The admin API needs Authorization: Bearer <admin token>.");
        return http.RequestServices.GetRequiredService<AdminToken>().Matches(header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "")
            ? await next(context)
            : new ApiError(BseCode.AuthenticationFailed, "The admin token is not valid.");
    });

    public static IResult Answer<T>((T? Data, ApiError? Error) result, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string message) where T : class
        => result.Error ?? (IResult)ApiResults.Ok(result.Data!, info, message);
}
