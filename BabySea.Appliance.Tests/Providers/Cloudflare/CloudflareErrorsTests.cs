using System.Net;
using System.Text;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Cloudflare;

namespace BabySea.Appliance.Tests.Providers.Cloudflare;

public sealed class CloudflareErrorsTests
{
    [Theory]
    [InlineData(429, 3036, FailureKind.CreditsExhausted)]
    [InlineData(429, 3040, FailureKind.Capacity)]
    [InlineData(429, 971, FailureKind.RateLimited)]
    [InlineData(429, null, FailureKind.RateLimited)]
    [InlineData(400, 3030, FailureKind.ContentRejected)]
    [InlineData(401, 10000, FailureKind.AuthenticationFailed)]
    [InlineData(403, 10000, FailureKind.AuthenticationFailed)]
    [InlineData(403, 5016, FailureKind.AuthenticationFailed)]
    [InlineData(403, 3023, FailureKind.ServicePaused)]
    [InlineData(400, 5006, FailureKind.InvalidRequest)]
    [InlineData(400, 5004, FailureKind.InvalidRequest)]
    [InlineData(400, 3003, FailureKind.InvalidRequest)]
    [InlineData(400, 7000, FailureKind.InvalidRequest)]
    [InlineData(400, 5007, FailureKind.InvalidRequest)]
    [InlineData(404, 3042, FailureKind.InvalidRequest)]
    [InlineData(413, 3006, FailureKind.InvalidRequest)]
    [InlineData(408, 3007, FailureKind.Timeout)]
    [InlineData(408, 3008, FailureKind.Timeout)]
    [InlineData(500, 3043, FailureKind.ServerError)]
    [InlineData(502, null, FailureKind.ServerError)]
    public void Classify_StatusAndCode_GiveTheKind(int status, int? code, FailureKind expected)
        => Assert.Equal(expected, CloudflareErrors.Classify(status, code));

    [Fact]
    public void Classify_429Code3036_IsCreditsExhausted()
        => Assert.Equal(FailureKind.CreditsExhausted, Failure(429, Envelope(3036, "You have used up your daily free allocation of 10,000 neurons.")).Kind);

    [Fact]
    public void Classify_429Code3040_IsCapacity()
        => Assert.Equal(FailureKind.Capacity, Failure(429, Envelope(3040, "No more data centers to forward the request to")).Kind);

    [Fact]
    public void FromResponse_RateLimited_CarriesRetryAfter()
    {
        var failure = Failure(429, Envelope(971, "Please wait and consider throttling your request speed"), ("Retry-After", "2"));
        Assert.Equal(FailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), failure.RetryAfter);
    }

    [Fact]
    public void FromResponse_CodeAsString_IsRead()
        => Assert.Equal(FailureKind.ContentRejected, Failure(400, """{"success":false,"errors":[{"code":"3030","message":"AiError"}]}""").Kind);

    [Fact]
    public void FromResponse_BodyNotJson_ClassifiesByStatus()
        => Assert.Equal(FailureKind.AuthenticationFailed, Failure(401, "Unauthorized").Kind);

    private static string Envelope(int code, string message)
        => $$"""{"result":null,"success":false,"errors":[{"code":{{code}},"message":"{{message}}"}],"messages":[]}""";

    private static ProviderFailure Failure(int status, string body, params (string Name, string Value)[] headers)
    {
        using var message = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers) message.Headers.TryAddWithoutValidation(name, value);
        return CloudflareErrors.FromResponse(new ProviderHttp.Response((HttpStatusCode)status, Encoding.UTF8.GetBytes(body), message.Headers, "application/json"));
    }
}
