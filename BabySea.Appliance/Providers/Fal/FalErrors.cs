using System.Text.Json.Nodes;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Fal;

/// <summary>
/// fal's failures as routing sees them (providers.md §2.5). fal has two machine-readable signals besides the HTTP
/// status: infrastructure errors carry <c>error_type</c> (body, and the <c>X-Fal-Error-Type</c> header), model errors
/// carry typed <c>detail[]</c> entries. Both win over the bare status; the text never decides.
/// </summary>
public static class FalErrors
{
    public const string ContentPolicyViolation = "content_policy_violation";

    public static ProviderFailure FromResponse(ProviderHttp.Response response)
    {
        var json = response.Json() as JsonObject;
        var errorType = Text(json?["error_type"])
            ?? (response.Headers.TryGetValues("X-Fal-Error-Type", out var values) ? values.FirstOrDefault() : null);
        var kind = Classify(response.Code, errorType, DetailType(json?["detail"]));
        var retryAfter = kind is FailureKind.RateLimited or FailureKind.Capacity or FailureKind.ServicePaused ? response.RetryAfter() : null;
        return new ProviderFailure(kind, $"fal answered {response.Code}: {Describe(json?["detail"]) ?? response.Snippet()}", retryAfter);
    }

    /// <summary>A request whose status is <c>COMPLETED</c> with an <c>error</c>: only its <c>error_type</c> says why.</summary>
    public static ProviderFailure FromRequestError(string? errorType, string error)
        => new(FromErrorType(errorType) ?? FailureKind.ServerError, $"fal request failed ({errorType ?? "no error_type"}): {error}");

    internal static FailureKind Classify(int status, string? errorType, string? detailType)
    {
        switch (status)
        {
            case 401:
                return FailureKind.AuthenticationFailed;
            // fal's only 403 is the account lock ("User is locked"), which it sets when the balance runs out; the
            // body has no type field, and the reason is prose, so the status alone decides.
            case 403:
                return FailureKind.CreditsExhausted;
            case 429:
                return FailureKind.RateLimited;
        }
        if (FromErrorType(errorType) is { } kind) return kind;
        if (detailType == ContentPolicyViolation) return FailureKind.ContentRejected;
        return status switch
        {
            400 or 404 or 413 or 422 => FailureKind.InvalidRequest,
            408 or 504 => FailureKind.Timeout,
            // fal's own 503s name their cause in error_type (runner_scheduling_failure is capacity). A 503 without
            // one was not written by fal's queue but by its front door: the service itself is down (maintenance),
            // which fal has no other signal for.
            503 => FailureKind.ServicePaused,
            _ => FailureKind.ServerError,
        };
    }

    private static FailureKind? FromErrorType(string? errorType) => errorType switch
    {
        null => null,
        "request_timeout" or "startup_timeout" => FailureKind.Timeout,
        "runner_scheduling_failure" => FailureKind.Capacity,
        "client_cancelled" or "client_disconnected" => FailureKind.Canceled,
        "bad_request" => FailureKind.InvalidRequest,
        ContentPolicyViolation => FailureKind.ContentRejected,
        // runner_disconnected, runner_connection_*, runner_server_error, internal_error and any type fal adds later:
        // fal's side failed after fal's own retries.
        _ => FailureKind.ServerError,
    };

    /// <summary>A content-policy entry anywhere in <c>detail[]</c> decides; otherwise the first typed entry.</summary>
    private static string? DetailType(JsonNode? detail)
    {
        if (detail is not JsonArray entries) return null;
        var types = entries.Select(e => e is JsonObject o ? Text(o["type"]) : null).OfType<string>().ToList();
        return types.Contains(ContentPolicyViolation) ? ContentPolicyViolation : types.FirstOrDefault();
    }

    private static string? Describe(JsonNode? detail) => detail switch
    {
        JsonValue => Text(detail),
        JsonArray entries => string.Join("; ", entries.OfType<JsonObject>()
            .Select(o => Text(o["msg"]) is { } msg ? (Field(o) is { } field ? $"{field}: {msg}" : msg) : null).OfType<string>()),
        _ => null,
    };

    /// <summary>The field a validation entry is about: the last element of its <c>loc</c> (<c>["body", "image_size"]</c>).</summary>
    private static string? Field(JsonObject entry) => entry["loc"] is JsonArray { Count: > 0 } loc ? Text(loc[^1]) : null;

}
