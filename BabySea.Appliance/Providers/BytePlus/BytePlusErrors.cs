using System.Text.Json.Nodes;
using BabySea.Appliance.Providers;

namespace BabySea.Appliance.Providers.BytePlus;

/// <summary>
/// ModelArk's failures (providers.md §7.4): <c>{"error":{code,message,param,type}}</c> on HTTP errors and
/// <c>error{code,message}</c> on failed tasks. The code decides; the HTTP status only covers codes this table
/// does not know. ModelArk sends several kinds under one status (429 is a rate limit, an overloaded model or
/// a suspended free-tier service; 403 is an overdue balance or a permission), so the status alone would mislead.
/// </summary>
public static class BytePlusErrors
{
    public static ProviderFailure FromResponse(ProviderHttp.Response response)
    {
        var error = (response.Json() as JsonObject)?["error"] as JsonObject;
        var code = ProviderJson.Text(error?["code"]);
        var message = ProviderJson.Text(error?["message"]) ?? response.Snippet();
        var kind = Classify(response.Code, code);
        return new ProviderFailure(kind, $"BytePlus answered {response.Code} {code}: {message}",
            kind is FailureKind.RateLimited or FailureKind.Capacity ? response.RetryAfter() : null);
    }

    /// <summary>A failed Seedance task's <c>error</c>; no HTTP status goes with it, so an unknown code is a provider fault.</summary>
    public static ProviderFailure FromTaskError(JsonNode? error)
    {
        var code = ProviderJson.Text((error as JsonObject)?["code"]);
        var message = ProviderJson.Text((error as JsonObject)?["message"]) ?? "The task failed without an error message.";
        return new ProviderFailure(Classify(0, code), $"BytePlus task failed with {code ?? "no code"}: {message}");
    }

    /// <param name="status">The HTTP status, or 0 for a task's own error.</param>
    public static FailureKind Classify(int status, string? code)
    {
        code ??= "";
        // Every moderation code names where it looked (InputText…, OutputVideo…) and may carry a sub-label
        // (SensitiveContentDetected.Violence); Volcengine's risk layer uses …RiskDetection for the same thing.
        if (code.Contains("SensitiveContentDetected", StringComparison.Ordinal) || code.EndsWith("RiskDetection", StringComparison.Ordinal))
            return FailureKind.ContentRejected;
        return code switch
        {
            BytePlusWire.Codes.AccountOverdue or "OperationDenied.ServiceOverdue" => FailureKind.CreditsExhausted,
            BytePlusWire.Codes.AuthenticationError or "AccessDenied" => FailureKind.AuthenticationFailed,
            // The operator's way to this model is closed (endpoint stopped, model not activated, free-tier service
            // suspended, model id not usable on this account): the request is fine and another provider may take it.
            BytePlusWire.Codes.ClosedEndpoint or "ModelNotOpen" or "ModelQuotaExhausted" or "OperationDenied.ServiceNotOpen"
                or "InvalidEndpointOrModel.NotFound" or "InvalidEndpointOrModel.ModelIDAccessDisabled" or "InvalidEndpoint.NotFound"
                => FailureKind.ServicePaused,
            BytePlusWire.Codes.ServerOverloaded => FailureKind.Capacity,
            "QuotaExceeded" => FailureKind.RateLimited,
            BytePlusWire.Codes.InternalServiceError => FailureKind.ServerError,
            _ when code.StartsWith("RateLimitExceeded.", StringComparison.Ordinal)
                || code.EndsWith("RateLimitExceeded", StringComparison.Ordinal) => FailureKind.RateLimited,
            _ when IsFamily(code, BytePlusWire.Codes.MissingParameter) || IsFamily(code, BytePlusWire.Codes.InvalidParameter)
                => FailureKind.InvalidRequest,
            _ when code.StartsWith("OperationDenied.", StringComparison.Ordinal) => FailureKind.ServicePaused,
            _ => status switch
            {
                401 => FailureKind.AuthenticationFailed,
                402 => FailureKind.CreditsExhausted,
                403 => FailureKind.ServicePaused,
                429 => FailureKind.RateLimited,
                400 or 404 or 422 => FailureKind.InvalidRequest,
                503 => FailureKind.Capacity,
                _ => FailureKind.ServerError,
            },
        };
    }

    private static bool IsFamily(string code, string family)
        => code == family || code.StartsWith(family + ".", StringComparison.Ordinal);
}
