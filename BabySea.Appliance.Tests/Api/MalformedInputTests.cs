using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Api;

/// <summary>Inputs that once answered 500: each is a 4xx in the error envelope now, fixed where it broke.</summary>
public sealed class MalformedInputTests : IAsyncLifetime
{
    private const string VideoModel = "bytedance/seedance-1.5-pro";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<ApiResponse> PostBytesAsync(string path, byte[] body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResponse.ReadAsync(await _app.Client.SendAsync(request));
    }

    [Theory]
    [InlineData("99999999999999")]        // past year 9999: once an exception converting it to a date
    [InlineData("9223372036854775807")]
    public async Task FileLink_ExpiryBeyondAnyDate_IsAnInvalidLink(string expires)
    {
        using var anonymous = _app.NewClient(null);
        (await TestApp.GetAsync(anonymous, $"/files/x/0.png?expires={expires}&signature=aa")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("-1e308")]
    [InlineData("123456789012345678901234567890")]
    public async Task NumberBeyondDecimal_WithIdempotencyKey_IsRefusedByValidation(string number)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"generation_prompt\":\"a seal\",\"generation_output_number\":{number}}}");
        (await PostBytesAsync("/v1/generate/image/bfl/flux-schnell", body, "fuzz-number-" + number.Length))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "generation_output_number");
    }

    [Fact]
    public async Task NumberBeyondDecimal_HasAStableFingerprint_SoTheSameKeyAndBodyAnswerTheSame()
    {
        // A specific-schema field may carry any number; the key's fingerprint must not depend on decimal's range.
        var body = Encoding.UTF8.GetBytes("{\"generation_prompt\":\"a seal\",\"unknown_field\":1e400}");
        for (var i = 0; i < 2; i++)
            (await PostBytesAsync("/v1/generate/image/bfl/flux-schnell", body, "fuzz-stable")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "unknown_field");
    }

    [Theory]
    [InlineData("{\"generation_prompt\":\"a \\ud800 seal\"}")]
    [InlineData("{\"generation_prompt\":\"\\udc00\"}")]
    [InlineData("{\"\\ud83d\":\"a seal\"}")]
    public async Task LoneSurrogateEscape_IsInvalidInput(string json)
        => (await PostBytesAsync("/v1/generate/image/bfl/flux-schnell", Encoding.UTF8.GetBytes(json), "fuzz-surrogate"))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "body");

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a UTF-16 surrogate encoded as UTF-8
    [InlineData(new byte[] { 0xC0, 0xAF })]       // overlong '/'
    public async Task InvalidUtf8_InAStringOrAName_IsInvalidInput(byte[] bad)
    {
        byte[] Wrap(string before, string after) => [.. Encoding.UTF8.GetBytes(before), .. bad, .. Encoding.UTF8.GetBytes(after)];
        (await PostBytesAsync("/v1/generate/image/bfl/flux-schnell", Wrap("{\"generation_prompt\":\"a ", " seal\"}")))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "body");
        (await PostBytesAsync("/v1/generate/image/bfl/flux-schnell", Wrap("{\"", "\":\"a seal\"}")))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "body");
        // The admin API reads bodies with the same reader.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/accounts") { Content = new ByteArrayContent(Wrap("{\"name\":\"", "\"}")) };
        (await ApiResponse.ReadAsync(await _app.Admin.SendAsync(request))).AssertError(HttpStatusCode.BadRequest, "BSE2001", "body");
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    public async Task Estimate_VideoDurationThatCannotBePriced_IsInvalidInput(string duration)
    {
        var r = await TestApp.GetAsync(_app.Client, $"/v1/estimate/{VideoModel}?duration={duration}");
        r.AssertError(HttpStatusCode.BadRequest, "BSE2001", "duration");
    }

    [Theory]
    [InlineData("GET", "/v1/generate/image/bfl/flux-schnell")] // the route exists for POST only: routing answered a bare 404
    [InlineData("PUT", "/v1/status")]
    [InlineData("OPTIONS", "/v1/content/list")]
    public async Task RouteForAnotherMethod_IsBse3004InTheEnvelope(string method, string path)
        => (await ApiResponse.ReadAsync(await _app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))))
            .AssertError(HttpStatusCode.NotFound, "BSE3004");

    [Fact]
    public async Task FileLink_RangeBeyondTheEnd_IsIgnored_TheWholeFileIsServed()
    {
        var done = await _app.WaitForTerminalAsync(await _app.CreateGenerationAsync("a seal"));
        var link = done.GetProperty("generation_output_file")[0].GetString()!;
        using var anonymous = _app.NewClient(null);
        var whole = await anonymous.GetByteArrayAsync(link);

        using var beyond = new HttpRequestMessage(HttpMethod.Get, link);
        beyond.Headers.TryAddWithoutValidation("Range", "bytes=999999999-");
        using var answer = await anonymous.SendAsync(beyond);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(whole, await answer.Content.ReadAsByteArrayAsync());

        using var part = new HttpRequestMessage(HttpMethod.Get, link);
        part.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        using var partial = await anonymous.SendAsync(part);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(whole[..10], await partial.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e30)]
    [InlineData(-5)]
    [InlineData(Pricing.MaxPricedSeconds + 1)]
    public void Pricing_DurationThatCannotBePriced_HasNoPrice(double seconds)
    {
        var model = _app.Service<ModelCatalog>().Find(VideoModel)!;
        var resolution = model.Schema.Resolutions?.FirstOrDefault();
        Assert.NotNull(Pricing.CostPerGeneration(model, 5, resolution, false));
        Assert.Null(Pricing.CostPerGeneration(model, seconds, resolution, false));
    }
}
