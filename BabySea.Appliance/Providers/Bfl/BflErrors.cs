using System.Text.Json.Nodes;

namespace BabySea.Appliance.Providers.Bfl;

/// <summary>
/// Black Forest Labs' failures as routing sees them (providers.md §4.4). HTTP errors are FastAPI bodies
/// (<c>{"detail": …}</c>) whose only machine signal is the status; moderation is not an HTTP error but a terminal
/// task status on the poll.
/// </summary>
public static class BflErrors
{
    public static ProviderFailure FromResponse(ProviderHttp.Response response)
    {
        var json = response.Json() as JsonObject;
        var kind = Classify(response.Code, json?.ContainsKey("detail") == true);
        var retryAfter = kind is FailureKind.RateLimited or FailureKind.Capacity or FailureKind.ServicePaused ? response.RetryAfter() : null;
        return new ProviderFailure(kind, $"BFL answered {response.Code}: {Describe(json?["detail"]) ?? response.Snippet()}", retryAfter);
    }

    /// <param name="bflBody">Whether the body is BFL's own FastAPI error (<c>{"detail": …}</c>).</param>
    internal static FailureKind Classify(int status, bool bflBody) => status switch
    {
        // BFL answers a missing or wrong key with 403 "Not authenticated" (recorded), and documents 401 as well.
        401 or 403 => FailureKind.AuthenticationFailed,
        402 => FailureKind.CreditsExhausted,
        // The account's concurrent-task cap (about 24 active tasks); the answer carries Retry-After.
        429 => FailureKind.RateLimited,
        400 or 404 or 413 or 422 => FailureKind.InvalidRequest,
        // BFL's API writes its "high load" 503 as a FastAPI body. A 503 without one comes from the front door while
        // the API itself is down (maintenance): BFL has no other signal for a paused service.
        503 => bflBody ? FailureKind.Capacity : FailureKind.ServicePaused,
        _ => FailureKind.ServerError,
    };

    /// <summary>The failure a terminal poll status means, or null when the status is not a failure.</summary>
    public static ProviderFailure? FromTaskStatus(string? status, JsonNode? details)
    {
        var why = details is null ? "" : $" ({Truncate(details.ToJsonString())})";
        return status switch
        {
            "Request Moderated" => new ProviderFailure(FailureKind.ContentRejected, $"BFL's moderation refused the request before generating{why}."),
            "Content Moderated" => new ProviderFailure(FailureKind.ContentRejected, $"BFL's moderation withheld the generated image{why}."),
            "Error" or "Failed" => new ProviderFailure(FailureKind.ServerError, $"BFL reported the task as {status}{why}."),
            // Unknown or expired (results live about 10 minutes): the task is gone and will not come back.
            "Task not found" => new ProviderFailure(FailureKind.ServerError, "BFL no longer knows the task (Task not found)."),
            _ => null,
        };
    }

    private static string? Describe(JsonNode? detail) => detail switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray entries => string.Join("; ", entries.OfType<JsonObject>()
            .Select(o => o["msg"] is JsonValue m && m.TryGetValue<string>(out var msg) ? (Field(o) is { } field ? $"{field}: {msg}" : msg) : null)
            .OfType<string>()),
        _ => null,
    };

    /// <summary>The field a validation entry is about: the last element of its <c>loc</c> (<c>["body", "width"]</c>).</summary>
    private static string? Field(JsonObject entry)
        => entry["loc"] is JsonArray { Count: > 0 } loc && loc[^1] is JsonValue v && v.TryGetValue<string>(out var field) ? field : null;

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
