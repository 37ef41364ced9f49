using System.Globalization;
using System.Text.Json.Nodes;

namespace BabySea.Appliance.Providers.Cloudflare;

/// <summary>
/// Cloudflare's failures, <c>{"success":false,"errors":[{code,message}]}</c> (providers.md §8.3), by HTTP status and
/// the first error's numeric code, as routing sees them.
/// </summary>
public static class CloudflareErrors
{
    public const int AuthenticationError = 10000;
    public const int ContentFlagged = 3030;
    public const int AccountBlocked = 3023;
    public const int DailyAllocationUsed = 3036;
    public const int OutOfCapacity = 3040;

    public static ProviderFailure FromResponse(ProviderHttp.Response response)
    {
        var first = ((response.Json() as JsonObject)?["errors"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var code = Code(first?["code"]);
        var kind = Classify(response.Code, code);
        var message = first?["message"] is JsonValue m && m.TryGetValue<string>(out var text) ? text : response.Snippet();
        var label = code?.ToString(CultureInfo.InvariantCulture) ?? "no code";
        return new ProviderFailure(kind, $"Cloudflare answered {response.Code} ({label}): {message}",
            kind is FailureKind.RateLimited or FailureKind.Capacity ? response.RetryAfter() : null);
    }

    public static FailureKind Classify(int status, int? code) => (status, code) switch
    {
        // 3036 arrives as 429 like a rate limit, but only a paid plan (or tomorrow's allocation) lifts it.
        (_, DailyAllocationUsed) => FailureKind.CreditsExhausted,
        (_, OutOfCapacity) => FailureKind.Capacity,
        (_, ContentFlagged) => FailureKind.ContentRejected,
        (_, AccountBlocked) => FailureKind.ServicePaused,
        (_, AuthenticationError) or (401, _) => FailureKind.AuthenticationFailed,
        // Token valid but without Workers AI permission, or the account may not use this model: the operator must act.
        (403, _) => FailureKind.AuthenticationFailed,
        (429, _) => FailureKind.RateLimited,
        (408 or 504, _) => FailureKind.Timeout,
        (400 or 404 or 405 or 413 or 422, _) => FailureKind.InvalidRequest,
        _ => FailureKind.ServerError,
    };

    private static int? Code(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<int>(out var n) => n,
        JsonValue v when v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}
