using System.Net;
using System.Text;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Runway;

namespace BabySea.Appliance.Tests.Providers.Runway;

public sealed class RunwayErrorsTests
{
    [Theory]
    [InlineData(400, "You do not have enough credits to run this task.", FailureKind.CreditsExhausted)]
    [InlineData(400, "Validation of body failed", FailureKind.InvalidRequest)]
    [InlineData(400, "promptImage: Failed to fetch asset. Received HTTP response code \"403\"", FailureKind.InvalidRequest)]
    [InlineData(401, "No API key was provided.", FailureKind.AuthenticationFailed)]
    [InlineData(403, "API access for your organization is paused.", FailureKind.ServicePaused)]
    [InlineData(404, "Could not find Task", FailureKind.InvalidRequest)]
    [InlineData(405, "Method not allowed", FailureKind.InvalidRequest)]
    [InlineData(429, "Your daily task limit has been reached.", FailureKind.RateLimited)]
    [InlineData(500, "An unexpected error occurred.", FailureKind.ServerError)]
    [InlineData(502, null, FailureKind.Capacity)]
    [InlineData(503, null, FailureKind.Capacity)]
    [InlineData(504, null, FailureKind.Capacity)]
    public void Classify_ByStatus_GivesTheKind(int status, string? error, FailureKind expected)
        => Assert.Equal(expected, RunwayErrors.Classify(status, error).Kind);

    [Fact]
    public void Classify_400NotEnoughCredits_IsCreditsExhausted()
        => Assert.Equal(FailureKind.CreditsExhausted, RunwayErrors.Classify(400, RunwayErrors.NotEnoughCredits).Kind);

    [Fact]
    public void Classify_CreditsSentenceOnAnotherStatus_IsNotCredits()
        => Assert.Equal(FailureKind.ServerError, RunwayErrors.Classify(500, RunwayErrors.NotEnoughCredits).Kind);

    [Fact]
    public void FromResponse_ValidationIssues_AreKeptInTheMessage()
    {
        var failure = RunwayErrors.FromResponse(Response(400,
            """{"error":"Validation of body failed","issues":[{"code":"invalid_type","message":"Required","path":["promptImage"]}],"docUrl":"https://docs.dev.runwayml.com/api"}"""));
        Assert.Equal(FailureKind.InvalidRequest, failure.Kind);
        Assert.Contains("promptImage", failure.Message);
    }

    [Fact]
    public void FromResponse_429WithRetryAfter_CarriesIt()
    {
        var failure = RunwayErrors.FromResponse(Response(429, """{"error":"Too many requests."}""", retryAfterSeconds: 7));
        Assert.Equal(FailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
    }

    [Fact]
    public void FromResponse_NonJsonBody_IsClassifiedByStatus()
        => Assert.Equal(FailureKind.Capacity, RunwayErrors.FromResponse(Response(503, "<html>Service Unavailable</html>")).Kind);

    [Theory]
    [InlineData("SAFETY.INPUT.TEXT", FailureKind.ContentRejected)]
    [InlineData("SAFETY.INPUT.IMAGE", FailureKind.ContentRejected)]
    [InlineData("SAFETY.OUTPUT.VIDEO", FailureKind.ContentRejected)]
    [InlineData("INPUT_PREPROCESSING.SAFETY.TEXT", FailureKind.ContentRejected)]
    [InlineData("INPUT_PREPROCESSING.INTERNAL", FailureKind.ServerError)]
    [InlineData("INTERNAL.BAD_OUTPUT.CODE01", FailureKind.ServerError)]
    [InlineData(null, FailureKind.ServerError)]
    public void FromTaskFailure_ByFailureCode_GivesTheKind(string? failureCode, FailureKind expected)
        => Assert.Equal(expected, RunwayErrors.FromTaskFailure(failureCode, "reason").Kind);

    internal static ProviderHttp.Response Response(int status, string body, int? retryAfterSeconds = null)
    {
        var headers = new HttpResponseMessage().Headers;
        if (retryAfterSeconds is { } s) headers.RetryAfter = new(TimeSpan.FromSeconds(s));
        return new ProviderHttp.Response((HttpStatusCode)status, Encoding.UTF8.GetBytes(body), headers, "application/json");
    }
}
