using System.Net;
using System.Text;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.OpenAi;

namespace BabySea.Appliance.Tests.Providers.OpenAi;

public sealed class OpenAiErrorsTests
{
    [Theory]
    [InlineData(429, "insufficient_quota", "insufficient_quota", FailureKind.CreditsExhausted)]
    [InlineData(400, "invalid_request_error", "billing_hard_limit_reached", FailureKind.CreditsExhausted)]
    [InlineData(429, "requests", "rate_limit_exceeded", FailureKind.RateLimited)]
    [InlineData(429, "tokens", null, FailureKind.RateLimited)]
    [InlineData(400, "image_generation_user_error", "moderation_blocked", FailureKind.ContentRejected)]
    [InlineData(400, "invalid_request_error", "content_policy_violation", FailureKind.ContentRejected)]
    [InlineData(401, "invalid_request_error", "invalid_api_key", FailureKind.AuthenticationFailed)]
    [InlineData(401, "invalid_request_error", null, FailureKind.AuthenticationFailed)]
    [InlineData(403, "request_forbidden", "unsupported_country_region_territory", FailureKind.ServicePaused)]
    [InlineData(403, "invalid_request_error", null, FailureKind.ServicePaused)]
    [InlineData(400, "invalid_request_error", "invalid_value", FailureKind.InvalidRequest)]
    [InlineData(400, "invalid_request_error", "unknown_parameter", FailureKind.InvalidRequest)]
    [InlineData(404, "invalid_request_error", "model_not_found", FailureKind.InvalidRequest)]
    [InlineData(413, null, null, FailureKind.InvalidRequest)]
    [InlineData(500, "server_error", null, FailureKind.ServerError)]
    [InlineData(502, null, null, FailureKind.ServerError)]
    [InlineData(503, "server_error", null, FailureKind.Capacity)]
    [InlineData(504, null, null, FailureKind.Timeout)]
    public void Classify_StatusTypeAndCode_GiveTheKind(int status, string? type, string? code, FailureKind expected)
        => Assert.Equal(expected, OpenAiErrors.Classify(status, type, code));

    [Fact]
    public void Classify_429InsufficientQuota_IsCreditsExhausted()
        => Assert.Equal(FailureKind.CreditsExhausted, Failure(429, """{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""").Kind);

    [Fact]
    public void Classify_429RateLimitExceeded_IsRateLimitedWithRetryAfter()
    {
        var failure = Failure(429, """{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}""",
            ("retry-after", "7"));
        Assert.Equal(FailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
    }

    [Fact]
    public void RetryAfter_PrefersRetryAfterMs()
        => Assert.Equal(TimeSpan.FromMilliseconds(1500),
            Failure(429, """{"error":{"code":"rate_limit_exceeded"}}""", ("retry-after-ms", "1500"), ("retry-after", "9")).RetryAfter);

    [Fact]
    public void RetryAfter_FallsBackToTheRequestLimitReset()
        => Assert.Equal(TimeSpan.FromSeconds(360), Failure(429, """{"error":{"code":"rate_limit_exceeded"}}""", ("x-ratelimit-reset-requests", "6m0s")).RetryAfter);

    [Fact]
    public void FromResponse_NotRateLimited_CarriesNoRetryAfter()
        => Assert.Null(Failure(429, """{"error":{"type":"insufficient_quota","code":"insufficient_quota"}}""", ("retry-after", "7")).RetryAfter);

    [Fact]
    public void FromResponse_BodyNotJson_ClassifiesByStatus()
    {
        var failure = Failure(502, "<html>Bad gateway</html>");
        Assert.Equal(FailureKind.ServerError, failure.Kind);
        Assert.Contains("Bad gateway", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("20ms", 20)]
    [InlineData("1s", 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("6m0s", 360_000)]
    [InlineData("1h2m3s", 3_723_000)]
    public void ParseDuration_OpenAiResetValues(string text, int milliseconds)
        => Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), OpenAiErrors.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5")]
    [InlineData("1s later")]
    public void ParseDuration_Unreadable_IsNull(string text) => Assert.Null(OpenAiErrors.ParseDuration(text));

    private static ProviderFailure Failure(int status, string body, params (string Name, string Value)[] headers)
    {
        using var message = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers) message.Headers.TryAddWithoutValidation(name, value);
        return OpenAiErrors.FromResponse(new ProviderHttp.Response((HttpStatusCode)status, Encoding.UTF8.GetBytes(body), message.Headers, "application/json"));
    }
}
