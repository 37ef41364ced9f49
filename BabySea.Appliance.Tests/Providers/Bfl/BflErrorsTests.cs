using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Bfl;

namespace BabySea.Appliance.Tests.Providers.Bfl;

public sealed class BflErrorsTests
{
    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public void Classify_401And403NotAuthenticated_IsAuthenticationFailed(int status)
        => Assert.Equal(FailureKind.AuthenticationFailed, BflErrors.Classify(status, bflBody: true));

    [Fact]
    public void Classify_402_IsCreditsExhausted()
        => Assert.Equal(FailureKind.CreditsExhausted, BflErrors.Classify(402, bflBody: true));

    [Fact]
    public void Classify_429_IsRateLimited()
        => Assert.Equal(FailureKind.RateLimited, BflErrors.Classify(429, bflBody: true));

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(422)]
    public void Classify_ValidationAndUnknownModel_IsInvalidRequest(int status)
        => Assert.Equal(FailureKind.InvalidRequest, BflErrors.Classify(status, bflBody: true));

    [Fact]
    public void Classify_503FromTheApi_IsCapacity()
        => Assert.Equal(FailureKind.Capacity, BflErrors.Classify(503, bflBody: true));

    [Fact]
    public void Classify_503FromTheFrontDoor_IsServicePaused()
        => Assert.Equal(FailureKind.ServicePaused, BflErrors.Classify(503, bflBody: false));

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public void Classify_OtherServerErrors_AreServerError(int status)
        => Assert.Equal(FailureKind.ServerError, BflErrors.Classify(status, bflBody: true));

    [Theory]
    [InlineData("Request Moderated", FailureKind.ContentRejected)]
    [InlineData("Content Moderated", FailureKind.ContentRejected)]
    [InlineData("Error", FailureKind.ServerError)]
    [InlineData("Failed", FailureKind.ServerError)]
    [InlineData("Task not found", FailureKind.ServerError)]
    public void FromTaskStatus_TerminalFailures_AreClassified(string status, FailureKind expected)
        => Assert.Equal(expected, BflErrors.FromTaskStatus(status, new JsonObject { ["moderation_reasons"] = new JsonArray("x") })?.Kind);

    [Theory]
    [InlineData("Pending")]
    [InlineData("Ready")]
    [InlineData("Queued")]
    [InlineData("Generating")]
    [InlineData("Something New")]
    public void FromTaskStatus_NonFailures_AreNull(string status)
        => Assert.Null(BflErrors.FromTaskStatus(status, null));

    [Fact]
    public void FromResponse_429WithRetryAfter_CarriesIt()
    {
        var failure = BflErrors.FromResponse(Response(429, """{"detail":"Too many active tasks"}""", ("Retry-After", "3")));
        Assert.Equal(FailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), failure.RetryAfter);
    }

    [Fact]
    public void FromResponse_503HtmlPage_IsServicePaused()
        => Assert.Equal(FailureKind.ServicePaused, BflErrors.FromResponse(Response(503, "<html>maintenance</html>")).Kind);

    [Fact]
    public void FromResponse_503FastApiBody_IsCapacity()
        => Assert.Equal(FailureKind.Capacity, BflErrors.FromResponse(Response(503, """{"detail":"high load"}""")).Kind);

    private static ProviderHttp.Response Response(int status, string body, params (string Name, string Value)[] headers)
    {
        var message = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers) message.Headers.TryAddWithoutValidation(name, value);
        return new ProviderHttp.Response((HttpStatusCode)status, Encoding.UTF8.GetBytes(body), message.Headers, "application/json");
    }
}
