using System.Text.Json.Nodes;

namespace BabySea.Appliance.Providers.AlibabaCloud;

/// <summary>
/// DashScope's failures (providers.md §6.6), as routing sees them. DashScope names every failure with a
/// <c>code</c>, in the body of an HTTP error, inside an HTTP 200, or in a failed task's <c>output</c>; the code
/// decides, and the HTTP status only where the code is missing or unknown.
/// </summary>
public static class AlibabaCloudErrors
{
    public static ProviderFailure FromResponse(ProviderHttp.Response response)
    {
        var json = response.Json() as JsonObject;
        return Classify(response.Code, Text(json?["code"]), Text(json?["message"]) ?? (json is null ? response.Snippet() : null), response.RetryAfter());
    }

    /// <summary>A task whose <c>task_status</c> is <c>FAILED</c>, by its <c>output.code</c>.</summary>
    public static ProviderFailure FromTaskFailure(string? code, string? message)
    {
        var failure = Classify(0, code, message);
        return failure with { Message = $"DashScope task failed: {failure.Message}" };
    }

    /// <param name="status">The HTTP status; 0 when there is none (a failed task).</param>
    public static ProviderFailure Classify(int status, string? code, string? message, TimeSpan? retryAfter = null)
    {
        var kind = ByCode(code ?? "") ?? status switch
        {
            400 or 404 or 413 => FailureKind.InvalidRequest,
            401 => FailureKind.AuthenticationFailed,
            403 => FailureKind.ServicePaused,
            429 => FailureKind.RateLimited,
            503 => FailureKind.Capacity,
            504 => FailureKind.Timeout,
            _ => FailureKind.ServerError,
        };
        var text = $"{code ?? (status > 0 ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no code")}: {message ?? "no message"}";
        return new ProviderFailure(kind, status > 0 ? $"DashScope answered {status} {text}" : text,
            kind == FailureKind.RateLimited ? retryAfter : null);
    }

    private static FailureKind? ByCode(string code) => code switch
    {
        "Arrearage" => FailureKind.CreditsExhausted,
        "InvalidApiKey" => FailureKind.AuthenticationFailed,
        // Input or output refused by content inspection, or suspected of infringing rights.
        "DataInspectionFailed" or "IPInfringementSuspect" => FailureKind.ContentRejected,
        // Rate, burst and per-minute allocation quotas: all lift within about a minute.
        _ when code.StartsWith("Throttling", StringComparison.Ordinal) => FailureKind.RateLimited,
        // The free tier is spent and the operator chose "use free tier only": access stays off until they change
        // that switch, as does a model the account has not activated (AccessDenied.*).
        _ when code.StartsWith("AllocationQuota", StringComparison.Ordinal) => FailureKind.ServicePaused,
        _ when code.StartsWith("AccessDenied", StringComparison.Ordinal) => FailureKind.ServicePaused,
        // InvalidParameter.DataInspection is media the inspector cannot read, not media it refused.
        _ when code.StartsWith("InvalidParameter", StringComparison.Ordinal) => FailureKind.InvalidRequest,
        _ when code.StartsWith("BadRequest", StringComparison.Ordinal) => FailureKind.InvalidRequest,
        "InvalidURL" or "ModelNotFound" or "UnsupportedOperation" => FailureKind.InvalidRequest,
        "InternalError.Timeout" => FailureKind.Timeout,
        _ when code.StartsWith("InternalError", StringComparison.Ordinal) => FailureKind.ServerError,
        _ => null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
