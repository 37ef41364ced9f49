using System.Text.Json.Nodes;

namespace BabySea.Appliance.Providers.Replicate;

/// <summary>Replicate's failures, by HTTP status and platform error code (providers.md §1.6), as routing sees them.</summary>
public static class ReplicateErrors
{
    public static ProviderFailure FromResponse(ProviderHttp.Response response)
    {
        var json = response.Json() as JsonObject;
        var detail = json?["detail"]?.GetValue<string>() ?? json?["title"]?.GetValue<string>() ?? response.Snippet();
        var kind = response.Code switch
        {
            401 => FailureKind.AuthenticationFailed,
            // The token is known but the account may not run predictions (disabled or suspended): nothing to do
            // with this request, the service is paused for this operator.
            403 => FailureKind.ServicePaused,
            402 => FailureKind.CreditsExhausted,
            429 => FailureKind.RateLimited,
            400 or 404 or 422 => FailureKind.InvalidRequest,
            503 => FailureKind.Capacity,
            _ => FailureKind.ServerError,
        };
        return new ProviderFailure(kind, $"Replicate answered {response.Code}: {detail}", kind == FailureKind.RateLimited ? response.RetryAfter() : null);
    }

    /// <summary>A failed prediction's <c>error</c> starts with a platform code such as <c>E005</c>; the code decides.</summary>
    public static ProviderFailure FromPredictionError(string? error)
    {
        var text = string.IsNullOrWhiteSpace(error) ? "The prediction failed without an error message." : error;
        var code = text.Length > 1 && text[0] == 'E' ? new string(text.Skip(1).TakeWhile(char.IsDigit).ToArray()) : "";
        var kind = code switch
        {
            "005" => FailureKind.ContentRejected,
            "6716" => FailureKind.Timeout,
            _ => FailureKind.ServerError,
        };
        return new ProviderFailure(kind, $"Replicate prediction failed: {text}");
    }
}
