using System.Net;
using System.Text;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Fal;

namespace BabySea.Appliance.Tests.Providers.Fal;

public sealed class FalErrorsTests
{
    [Fact]
    public void Classify_401_IsAuthenticationFailed()
        => Assert.Equal(FailureKind.AuthenticationFailed, FalErrors.Classify(401, null, null));

    [Fact]
    public void Classify_403UserLocked_IsCreditsExhausted()
        => Assert.Equal(FailureKind.CreditsExhausted, FalErrors.Classify(403, null, null));

    [Fact]
    public void Classify_429_IsRateLimited()
        => Assert.Equal(FailureKind.RateLimited, FalErrors.Classify(429, null, null));

    [Theory]
    [InlineData(422, null, "content_policy_violation")]
    [InlineData(400, "content_policy_violation", null)]
    public void Classify_ContentPolicyViolation_IsContentRejected(int status, string? errorType, string? detailType)
        => Assert.Equal(FailureKind.ContentRejected, FalErrors.Classify(status, errorType, detailType));

    [Theory]
    [InlineData(422, null, "missing")]
    [InlineData(422, null, "value_error")]
    [InlineData(422, null, "file_download_error")]
    [InlineData(400, "bad_request", null)]
    [InlineData(404, null, null)]
    public void Classify_ValidationAndUnknownApp_IsInvalidRequest(int status, string? errorType, string? detailType)
        => Assert.Equal(FailureKind.InvalidRequest, FalErrors.Classify(status, errorType, detailType));

    [Fact]
    public void Classify_503RunnerSchedulingFailure_IsCapacity()
        => Assert.Equal(FailureKind.Capacity, FalErrors.Classify(503, "runner_scheduling_failure", null));

    [Fact]
    public void Classify_503WithoutErrorType_IsServicePaused()
        => Assert.Equal(FailureKind.ServicePaused, FalErrors.Classify(503, null, null));

    [Theory]
    [InlineData(504, "request_timeout")]
    [InlineData(504, "startup_timeout")]
    [InlineData(504, null)]
    public void Classify_Timeouts_AreTimeout(int status, string? errorType)
        => Assert.Equal(FailureKind.Timeout, FalErrors.Classify(status, errorType, null));

    [Theory]
    [InlineData(500, "internal_error")]
    [InlineData(500, "runner_server_error")]
    [InlineData(502, "runner_incomplete_response")]
    [InlineData(503, "runner_disconnected")]
    [InlineData(503, "runner_connection_refused")]
    [InlineData(500, null)]
    [InlineData(502, null)]
    public void Classify_RunnerAndInternalErrors_AreServerError(int status, string? errorType)
        => Assert.Equal(FailureKind.ServerError, FalErrors.Classify(status, errorType, null));

    [Fact]
    public void Classify_499ClientCancelled_IsCanceled()
        => Assert.Equal(FailureKind.Canceled, FalErrors.Classify(499, "client_cancelled", null));

    [Fact]
    public void FromResponse_429WithRetryAfter_CarriesIt()
    {
        var failure = FalErrors.FromResponse(Response(429, """{"detail":"Too many requests"}""", ("Retry-After", "7")));
        Assert.Equal(FailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
    }

    [Fact]
    public void FromResponse_ErrorTypeOnlyInHeader_IsRead()
        => Assert.Equal(FailureKind.Capacity,
            FalErrors.FromResponse(Response(503, "upstream unavailable", ("X-Fal-Error-Type", "runner_scheduling_failure"))).Kind);

    [Fact]
    public void FromResponse_ContentPolicyAmongOtherEntries_IsContentRejected()
        => Assert.Equal(FailureKind.ContentRejected, FalErrors.FromResponse(Response(422,
            """{"detail":[{"loc":["body","seed"],"msg":"bad","type":"value_error"},{"loc":["body","prompt"],"msg":"flagged","type":"content_policy_violation"}]}""")).Kind);

    [Theory]
    [InlineData("client_cancelled", FailureKind.Canceled)]
    [InlineData("request_timeout", FailureKind.Timeout)]
    [InlineData("runner_disconnected", FailureKind.ServerError)]
    [InlineData(null, FailureKind.ServerError)]
    public void FromRequestError_CompletedWithError_ClassifiesByErrorType(string? errorType, FailureKind expected)
        => Assert.Equal(expected, FalErrors.FromRequestError(errorType, "it failed").Kind);

    private static ProviderHttp.Response Response(int status, string body, params (string Name, string Value)[] headers)
    {
        var message = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers) message.Headers.TryAddWithoutValidation(name, value);
        return new ProviderHttp.Response((HttpStatusCode)status, Encoding.UTF8.GetBytes(body), message.Headers, "application/json");
    }
}
