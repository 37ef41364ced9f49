using System.Text.Json.Nodes;

namespace BabySea.Appliance.Providers.Runway;

/// <summary>Runway's failures, by HTTP status and task <c>failureCode</c> (providers.md §5.5), as routing sees them.</summary>
public static class RunwayErrors
{
    /// <summary>
    /// Runway's whole answer to a task it will not start for lack of credit: a 400 whose body carries this sentence
    /// and no machine-readable code (recorded: <c>{"error":"You do not have enough credits to run this task.","docUrl":…}</c>).
    /// With no code to read, this one documented sentence is the only signal that tells it from a bad input, so it is
    /// matched here and nowhere else.
    /// </summary>
    public const string NotEnoughCredits = "You do not have enough credits to run this task.";

    public static ProviderFailure FromResponse(ProviderHttp.Response response)
    {
        var json = response.Json() as JsonObject;
        var error = json?["error"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        return Classify(response.Code, error, json?["issues"] is JsonArray { Count: > 0 } issues ? issues.ToJsonString() : null,
            response.RetryAfter(), error is null ? response.Snippet() : null);
    }

    /// <param name="issues">The validation issues Runway lists beside a 400, kept for the message only.</param>
    /// <param name="body">The raw body, for the message, when it carried no <c>error</c> member.</param>
    public static ProviderFailure Classify(int status, string? error, string? issues = null, TimeSpan? retryAfter = null, string? body = null)
    {
        var kind = status switch
        {
            400 when error?.Trim() == NotEnoughCredits => FailureKind.CreditsExhausted,
            400 or 404 or 405 or 422 => FailureKind.InvalidRequest,
            401 => FailureKind.AuthenticationFailed,
            // Runway documents no 403. A refusal of a key it knows is the organization's access being held
            // (spend limit, disabled API access), not the key and not this request: the service is paused for us.
            403 => FailureKind.ServicePaused,
            // 429 is a daily generation quota or a burst of requests; concurrency never errors (tasks wait as THROTTLED).
            429 => FailureKind.RateLimited,
            // 502 and 503 are load shedding, 504 "overloaded and not able to satisfy the request".
            502 or 503 or 504 => FailureKind.Capacity,
            _ => FailureKind.ServerError,
        };
        var detail = error ?? body ?? "no error message";
        if (issues is not null) detail += " " + issues;
        return new ProviderFailure(kind, $"Runway answered {status}: {detail}", kind == FailureKind.RateLimited ? retryAfter : null);
    }

    /// <summary>A <c>FAILED</c> task: the <c>failureCode</c> family decides, the <c>failure</c> text is only carried along.</summary>
    public static ProviderFailure FromTaskFailure(string? failureCode, string? failure)
    {
        var code = failureCode ?? "";
        var kind = code switch
        {
            _ when code.StartsWith("SAFETY.", StringComparison.Ordinal) => FailureKind.ContentRejected,
            _ when code.StartsWith("INPUT_PREPROCESSING.SAFETY.", StringComparison.Ordinal) => FailureKind.ContentRejected,
            // INPUT_PREPROCESSING.INTERNAL is the moderation system itself failing, INTERNAL.BAD_OUTPUT.* a quality
            // rejection: both may pass on another attempt, so neither ends the chain.
            _ => FailureKind.ServerError,
        };
        var text = string.IsNullOrWhiteSpace(failure) ? "The task failed without a reason." : failure;
        return new ProviderFailure(kind, failureCode is null ? $"Runway task failed: {text}" : $"Runway task failed ({failureCode}): {text}");
    }
}
