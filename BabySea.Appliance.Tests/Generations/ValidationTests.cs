using System.Net;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Generations;

/// <summary>Bad bodies get a clear BSE error naming the field, and nothing is created or reserved.</summary>
public sealed class ValidationTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(null, 0, "Providers:bfl:Enabled=false");

    public async Task DisposeAsync()
    {
        Assert.Equal(0, (await TestApp.GetAsync(_app.Client, "/v1/content/list")).Body.GetProperty("total").GetInt32());
        Assert.Equal(1.000m, (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"generation_prompt\": \"x\"", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("", "body")]
    [InlineData("{}", "generation_prompt")]
    [InlineData("{\"generation_prompt\": 42}", "generation_prompt")]
    [InlineData("{\"generation_prompt\": \"   \"}", "generation_prompt")]
    [InlineData("{\"generation_prompt\": \"x\", \"generation_ratio\": \"7:3\"}", "generation_ratio")]
    [InlineData("{\"generation_prompt\": \"x\", \"generation_ratio\": 1}", "generation_ratio")]
    [InlineData("{\"generation_prompt\": \"x\", \"generation_output_format\": \"gif\"}", "generation_output_format")]
    [InlineData("{\"generation_prompt\": \"x\", \"generation_output_number\": \"2\"}", "generation_output_number")]
    [InlineData("{\"generation_prompt\": \"x\", \"generation_output_number\": 1.5}", "generation_output_number")]
    [InlineData("{\"generation_prompt\": \"x\", \"surprise\": true}", "surprise")]
    [InlineData("{\"generation_prompt\": \"x\", \"generation_input_file\": [\"https://example.com/a.png\"]}", "generation_input_file")]
    [InlineData("{\"generation_prompt\": \"x\", \"generation_duration\": 5}", "generation_duration")]
    [InlineData("{\"generation_prompt\": \"x\", \"generation_provider_order\": 3}", "generation_provider_order")]
    public async Task InvalidImageBody_IsBse2001_NamingTheField(string body, string field)
        => (await TestApp.PostRawAsync(_app.Client, "/v1/generate/image/bfl/flux-schnell", body)).AssertError(HttpStatusCode.BadRequest, "BSE2001", field);

    [Fact]
    public async Task OutputNumberOverModelMax_IsBse2008()
    {
        var r = await TestApp.PostRawAsync(_app.Client, "/v1/generate/image/bfl/flux-schnell", "{\"generation_prompt\":\"x\",\"generation_output_number\":5}");
        r.AssertError(HttpStatusCode.UnprocessableEntity, "BSE2008", "generation_output_number");
        Assert.Equal(4, r.Error.GetProperty("details").GetProperty("max").GetInt32());
    }

    [Fact]
    public async Task PromptOver5000Characters_IsBse2008()
        => (await TestApp.PostRawAsync(_app.Client, "/v1/generate/image/bfl/flux-schnell", $"{{\"generation_prompt\":\"{new string('p', 5001)}\"}}"))
            .AssertError(HttpStatusCode.UnprocessableEntity, "BSE2008", "generation_prompt");

    [Fact]
    public async Task TooManyInputFiles_IsBse2008()
    {
        var files = string.Join(",", Enumerable.Range(0, 9).Select(i => $"\"https://example.com/{i}.png\""));
        (await TestApp.PostRawAsync(_app.Client, "/v1/generate/image/bfl/flux-2-pro", $"{{\"generation_prompt\":\"x\",\"generation_input_file\":[{files}]}}"))
            .AssertError(HttpStatusCode.UnprocessableEntity, "BSE2008", "generation_input_file");
    }

    [Theory]
    [InlineData("{\"generation_prompt\":\"x\"}", "BSE2001", "generation_duration")]
    [InlineData("{\"generation_prompt\":\"x\",\"generation_duration\":13}", "BSE2008", "generation_duration")]
    [InlineData("{\"generation_prompt\":\"x\",\"generation_duration\":5,\"generation_resolution\":\"4k\"}", "BSE2001", "generation_resolution")]
    [InlineData("{\"generation_prompt\":\"x\",\"generation_duration\":5,\"generation_generate_audio\":\"yes\"}", "BSE2001", "generation_generate_audio")]
    [InlineData("{\"generation_prompt\":\"x\",\"generation_duration\":5,\"generation_input_file\":[\"ftp://x/y.png\"]}", "BSE2001", "generation_input_file")]
    public async Task InvalidVideoBody_NamesTheField(string body, string code, string field)
    {
        var status = code == "BSE2008" ? HttpStatusCode.UnprocessableEntity : HttpStatusCode.BadRequest;
        (await TestApp.PostRawAsync(_app.Client, "/v1/generate/video/bytedance/seedance-1.5-pro", body)).AssertError(status, code, field);
    }

    [Fact]
    public async Task UnknownModel_IsBse2011()
        => (await TestApp.PostRawAsync(_app.Client, "/v1/generate/image/acme/nothing", "{\"generation_prompt\":\"x\"}")).AssertError(HttpStatusCode.NotFound, "BSE2011");

    [Fact]
    public async Task ImageModelOnVideoRoute_IsBse2013()
        => (await TestApp.PostRawAsync(_app.Client, "/v1/generate/video/bfl/flux-schnell", "{\"generation_prompt\":\"x\",\"generation_duration\":5}"))
            .AssertError(HttpStatusCode.BadRequest, "BSE2013");

    [Theory]
    [InlineData("openai")]
    [InlineData("replicate, replicate")]
    [InlineData("slowest")]
    public async Task ProviderOrderOutsideTheStack_IsBse2012_ListingAllowed(string order)
    {
        var r = await TestApp.PostRawAsync(_app.Client, "/v1/generate/image/bfl/flux-schnell", $"{{\"generation_prompt\":\"x\",\"generation_provider_order\":\"{order}\"}}");
        r.AssertError(HttpStatusCode.BadRequest, "BSE2012", "generation_provider_order");
        Assert.Contains("replicate", r.Error.GetProperty("details").GetProperty("allowed").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ProviderSwitchedOff_IsBse4011_NotAPretendSuccess()
    {
        var r = await TestApp.PostRawAsync(_app.Client, "/v1/generate/image/bfl/flux-1.1-pro", "{\"generation_prompt\":\"x\",\"generation_provider_order\":\"bfl\"}");
        r.AssertError(HttpStatusCode.ServiceUnavailable, "BSE4011");
        Assert.Equal(["bfl"], r.Error.GetProperty("details").GetProperty("providers").EnumerateArray().Select(e => e.GetString()));
    }
}
