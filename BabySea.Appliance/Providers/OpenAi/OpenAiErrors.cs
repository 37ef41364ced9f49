using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.OpenAi;

/// <summary>
/// OpenAI's failures, <c>{"error":{message,type,param,code}}</c> (providers.md §3.5), by HTTP status and the
/// error's code and type, as routing sees them.
/// </summary>
public static partial class OpenAiErrors
{
    public static ProviderFailure FromResponse(ProviderHttp.Response response)
    {
        var error = (response.Json() as JsonObject)?["error"] as JsonObject;
        var type = Text(error?["type"]);
        var code = Text(error?["code"]);
        var kind = Classify(response.Code, type, code);
        var message = Text(error?["message"]) ?? response.Snippet();
        return new ProviderFailure(kind, $"OpenAI answered {response.Code} ({code ?? type ?? "no code"}): {message}",
            kind == FailureKind.RateLimited ? RetryAfter(response) : null);
    }

    public static FailureKind Classify(int status, string? type, string? code) => (status, type, code) switch
    {
        // Both arrive as 429 like a rate limit, but waiting does not help: the spend cap or the balance must change.
        (_, _, "insufficient_quota" or "billing_hard_limit_reached") or (_, "insufficient_quota", _) => FailureKind.CreditsExhausted,
        (_, _, "moderation_blocked" or "content_policy_violation") => FailureKind.ContentRejected,
        (401, _, _) => FailureKind.AuthenticationFailed,
        // The key is fine but the organization may not use the model (unverified, unsupported region): the
        // operator must act, nothing about this request is wrong.
        (403, _, _) => FailureKind.ServicePaused,
        (429, _, _) => FailureKind.RateLimited,
        (503, _, _) => FailureKind.Capacity,
        (408 or 504, _, _) => FailureKind.Timeout,
        (400 or 404 or 409 or 413 or 415 or 422, _, _) => FailureKind.InvalidRequest,
        _ => FailureKind.ServerError,
    };

    /// <summary>
    /// The official SDK honours <c>retry-after-ms</c>, then <c>retry-after</c>; the request-limit reset
    /// (<c>x-ratelimit-reset-requests</c>, e.g. <c>6m0s</c>) says the same when neither is sent.
    /// </summary>
    public static TimeSpan? RetryAfter(ProviderHttp.Response response)
    {
        if (Header(response, "retry-after-ms") is { } ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        if (response.RetryAfter() is { } after) return after;
        return Header(response, "x-ratelimit-reset-requests") is { } reset ? ParseDuration(reset) : null;
    }

    /// <summary>Reads OpenAI's reset durations: <c>20ms</c>, <c>1s</c>, <c>1.5s</c>, <c>6m0s</c>, <c>1h2m3s</c>.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var total = TimeSpan.Zero;
        var at = 0;
        foreach (Match m in DurationPart().Matches(text))
        {
            if (m.Index != at) return null;
            at += m.Length;
            var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                _ => TimeSpan.FromMilliseconds(value),
            };
        }
        return at > 0 && at == text.Length ? total : null;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|h|m|s)", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();

    private static string? Header(ProviderHttp.Response response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

}
