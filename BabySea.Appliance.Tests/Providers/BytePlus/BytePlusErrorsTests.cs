using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.BytePlus;

namespace BabySea.Appliance.Tests.Providers.BytePlus;

public sealed class BytePlusErrorsTests
{
    [Theory]
    [InlineData(403, "AccountOverdueError")]
    [InlineData(403, "OperationDenied.ServiceOverdue")]
    public void Classify_403AccountOverdue_IsCreditsExhausted(int status, string code)
        => Assert.Equal(FailureKind.CreditsExhausted, BytePlusErrors.Classify(status, code));

    [Theory]
    [InlineData(401, "AuthenticationError")]
    [InlineData(403, "AccessDenied")]
    [InlineData(401, null)]
    public void Classify_401AuthenticationError_IsAuthenticationFailed(int status, string? code)
        => Assert.Equal(FailureKind.AuthenticationFailed, BytePlusErrors.Classify(status, code));

    [Theory]
    [InlineData(400, "InvalidEndpoint.ClosedEndpoint")]
    [InlineData(404, "ModelNotOpen")]
    [InlineData(429, "ModelQuotaExhausted")]
    [InlineData(403, "OperationDenied.ServiceNotOpen")]
    [InlineData(403, "OperationDenied.SomethingNew")]
    [InlineData(404, "InvalidEndpointOrModel.NotFound")]
    [InlineData(404, "InvalidEndpointOrModel.ModelIDAccessDisabled")]
    [InlineData(404, "InvalidEndpoint.NotFound")]
    [InlineData(403, null)]
    public void Classify_ClosedEndpointOrInactiveModel_IsServicePaused(int status, string? code)
        => Assert.Equal(FailureKind.ServicePaused, BytePlusErrors.Classify(status, code));

    [Theory]
    [InlineData(429, "RateLimitExceeded.EndpointRPMExceeded")]
    [InlineData(429, "RateLimitExceeded.EndpointTPMExceeded")]
    [InlineData(429, "ModelAccountTpmRateLimitExceeded")]
    [InlineData(429, "ModelAccountRpmRateLimitExceeded")]
    [InlineData(429, "QuotaExceeded")]
    [InlineData(429, null)]
    public void Classify_429RateLimitExceeded_IsRateLimited(int status, string? code)
        => Assert.Equal(FailureKind.RateLimited, BytePlusErrors.Classify(status, code));

    [Theory]
    [InlineData(429, "ServerOverloaded")]
    [InlineData(503, "ServerOverloaded")]
    [InlineData(503, null)]
    public void Classify_ServerOverloaded_IsCapacity(int status, string? code)
        => Assert.Equal(FailureKind.Capacity, BytePlusErrors.Classify(status, code));

    [Theory]
    [InlineData(400, "InputTextSensitiveContentDetected")]
    [InlineData(400, "InputImageSensitiveContentDetected")]
    [InlineData(400, "OutputImageSensitiveContentDetected")]
    [InlineData(400, "SensitiveContentDetected")]
    [InlineData(400, "SensitiveContentDetected.SevereViolation")]
    [InlineData(400, "InputTextRiskDetection")]
    [InlineData(0, "OutputVideoSensitiveContentDetected")]
    public void Classify_400SensitiveContentDetected_IsContentRejected(int status, string code)
        => Assert.Equal(FailureKind.ContentRejected, BytePlusErrors.Classify(status, code));

    [Theory]
    [InlineData(400, "MissingParameter")]
    [InlineData(400, "MissingParameter.prompt")]
    [InlineData(400, "InvalidParameter")]
    [InlineData(400, "InvalidParameter.OversizedImage")]
    [InlineData(400, "InvalidParameter.UnsupportedImageFormat")]
    [InlineData(0, "InvalidParameter")]
    [InlineData(400, null)]
    public void Classify_400InvalidParameter_IsInvalidRequest(int status, string? code)
        => Assert.Equal(FailureKind.InvalidRequest, BytePlusErrors.Classify(status, code));

    [Theory]
    [InlineData(500, "InternalServiceError")]
    [InlineData(0, "InternalServiceError")]
    [InlineData(502, null)]
    [InlineData(0, null)]
    [InlineData(0, "SomeNewTaskFailure")]
    public void Classify_500InternalServiceError_IsServerError(int status, string? code)
        => Assert.Equal(FailureKind.ServerError, BytePlusErrors.Classify(status, code));

    [Fact]
    public void FromResponse_ErrorBody_UsesItsCodeOverTheStatus()
    {
        var failure = BytePlusErrors.FromResponse(Response(429,
            """{"error":{"code":"ServerOverloaded","message":"busy. Request id: r1","param":"","type":"TooManyRequests"}}"""));
        Assert.Equal(FailureKind.Capacity, failure.Kind);
        Assert.Contains("ServerOverloaded", failure.Message);
    }

    [Fact]
    public void FromResponse_429WithRetryAfter_CarriesIt()
    {
        var response = Response(429, """{"error":{"code":"RateLimitExceeded.EndpointRPMExceeded","message":"slow down","param":"","type":"TooManyRequests"}}""");
        response.Headers.RetryAfter = new(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), BytePlusErrors.FromResponse(response).RetryAfter);
    }

    [Fact]
    public void FromResponse_429WithoutRetryAfter_HasNone()
        => Assert.Null(BytePlusErrors.FromResponse(Response(429, """{"error":{"code":"QuotaExceeded","message":"m","param":"","type":"TooManyRequests"}}""")).RetryAfter);

    [Fact]
    public void FromResponse_NonJsonBody_FallsBackToTheStatus()
        => Assert.Equal(FailureKind.ServerError, BytePlusErrors.FromResponse(Response(502, "<html>bad gateway</html>")).Kind);

    [Fact]
    public void FromTaskError_OutputVideoSensitive_IsContentRejected()
    {
        var failure = BytePlusErrors.FromTaskError(JsonNode.Parse("""{"code":"OutputVideoSensitiveContentDetected","message":"m"}"""));
        Assert.Equal(FailureKind.ContentRejected, failure.Kind);
    }

    [Fact]
    public void FromTaskError_Missing_IsServerError()
        => Assert.Equal(FailureKind.ServerError, BytePlusErrors.FromTaskError(null).Kind);

    private static ProviderHttp.Response Response(int status, string body)
        => new((HttpStatusCode)status, Encoding.UTF8.GetBytes(body), new HttpResponseMessage().Headers, "application/json");
}
