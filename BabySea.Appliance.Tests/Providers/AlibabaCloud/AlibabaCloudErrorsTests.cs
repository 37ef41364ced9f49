using System.Net;
using System.Text;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.AlibabaCloud;

namespace BabySea.Appliance.Tests.Providers.AlibabaCloud;

public sealed class AlibabaCloudErrorsTests
{
    [Theory]
    [InlineData(400, "Arrearage", FailureKind.CreditsExhausted)]
    [InlineData(401, "InvalidApiKey", FailureKind.AuthenticationFailed)]
    [InlineData(400, "DataInspectionFailed", FailureKind.ContentRejected)]
    [InlineData(400, "IPInfringementSuspect", FailureKind.ContentRejected)]
    [InlineData(400, "InvalidParameter.DataInspection", FailureKind.InvalidRequest)]
    [InlineData(400, "InvalidParameter", FailureKind.InvalidRequest)]
    [InlineData(400, "BadRequest.EmptyInput", FailureKind.InvalidRequest)]
    [InlineData(400, "InvalidURL", FailureKind.InvalidRequest)]
    [InlineData(404, "ModelNotFound", FailureKind.InvalidRequest)]
    [InlineData(403, "AllocationQuota.FreeTierOnly", FailureKind.ServicePaused)]
    [InlineData(403, "AccessDenied.Unpurchased", FailureKind.ServicePaused)]
    [InlineData(429, "Throttling", FailureKind.RateLimited)]
    [InlineData(429, "Throttling.RateQuota", FailureKind.RateLimited)]
    [InlineData(429, "Throttling.AllocationQuota", FailureKind.RateLimited)]
    [InlineData(500, "InternalError", FailureKind.ServerError)]
    [InlineData(500, "InternalError.Timeout", FailureKind.Timeout)]
    [InlineData(503, "ServiceUnavailable", FailureKind.Capacity)]
    [InlineData(504, null, FailureKind.Timeout)]
    [InlineData(502, null, FailureKind.ServerError)]
    public void Classify_ByStatusAndCode_GivesTheKind(int status, string? code, FailureKind expected)
        => Assert.Equal(expected, AlibabaCloudErrors.Classify(status, code, "message").Kind);

    [Fact]
    public void Classify_400Arrearage_IsCreditsExhausted()
        => Assert.Equal(FailureKind.CreditsExhausted, AlibabaCloudErrors.Classify(400, "Arrearage", "Access denied").Kind);

    [Fact]
    public void Classify_ErrorInsideHttp200_IsClassifiedByItsCode()
        => Assert.Equal(FailureKind.ContentRejected, AlibabaCloudErrors.Classify(200, "DataInspectionFailed", "Output data may contain inappropriate content.").Kind);

    [Fact]
    public void Classify_UnknownCodeInsideHttp200_IsServerError()
        => Assert.Equal(FailureKind.ServerError, AlibabaCloudErrors.Classify(200, "SomethingNew", "message").Kind);

    [Theory]
    [InlineData("DataInspectionFailed", FailureKind.ContentRejected)]
    [InlineData("InvalidParameter", FailureKind.InvalidRequest)]
    [InlineData("InternalError", FailureKind.ServerError)]
    [InlineData(null, FailureKind.ServerError)]
    public void FromTaskFailure_ByOutputCode_GivesTheKind(string? code, FailureKind expected)
        => Assert.Equal(expected, AlibabaCloudErrors.FromTaskFailure(code, "message").Kind);

    [Fact]
    public void FromResponse_429_CarriesRetryAfterWhenSent()
    {
        var headers = new HttpResponseMessage().Headers;
        headers.RetryAfter = new(TimeSpan.FromSeconds(30));
        var failure = AlibabaCloudErrors.FromResponse(new ProviderHttp.Response(HttpStatusCode.TooManyRequests,
            Encoding.UTF8.GetBytes("""{"request_id":"r","code":"Throttling.RateQuota","message":"Requests rate limit exceeded."}"""), headers, "application/json"));
        Assert.Equal(FailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), failure.RetryAfter);
    }

    [Fact]
    public void FromResponse_NonJsonBody_IsClassifiedByStatus()
    {
        var failure = AlibabaCloudErrors.FromResponse(new ProviderHttp.Response(HttpStatusCode.ServiceUnavailable,
            Encoding.UTF8.GetBytes("<html>busy</html>"), new HttpResponseMessage().Headers, "text/html"));
        Assert.Equal(FailureKind.Capacity, failure.Kind);
    }
}
