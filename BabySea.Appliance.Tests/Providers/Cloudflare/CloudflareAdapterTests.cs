using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Cloudflare;
using BabySea.Appliance.Providers.Emulator;

namespace BabySea.Appliance.Tests.Providers.Cloudflare;

/// <summary>The adapter against a stubbed Workers AI, with a real token (not emulated).</summary>
public sealed class CloudflareAdapterTests
{
    private const string Api = "https://api.cloudflare.test/client/v4";
    private const string Account = "abcdefabcdefabcdefabcdefabcdef12";
    private const string Model = "@cf/black-forest-labs/flux-1-schnell";
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0];

    [Fact]
    public async Task Submit_PostsToTheAccountsModelPath_WithTheModelUnescaped()
    {
        HttpRequestMessage? seen = null;
        string? body = null;
        var adapter = Adapter(async r =>
        {
            seen = r;
            body = await r.Content!.ReadAsStringAsync();
            return Json(200, $$"""{"result":{"image":"{{Convert.ToBase64String(Jpeg)}}"},"success":true,"errors":[],"messages":[]}""");
        });
        var outcome = await adapter.SubmitAsync(Request(), CancellationToken.None);

        Assert.Equal(Jpeg, Assert.Single(Assert.IsType<SubmitOutcome.Completed>(outcome).Outputs).Inline);
        Assert.Equal($"{Api}/accounts/{Account}/ai/run/{Model}", seen!.RequestUri!.OriginalString);
        Assert.Equal(HttpMethod.Post, seen.Method);
        Assert.Equal("Bearer cf-test", seen.Headers.Authorization!.ToString());
        Assert.Equal("a red bicycle", JsonNode.Parse(body!)!["prompt"]!.GetValue<string>());
        Assert.Equal(4, JsonNode.Parse(body!)!["steps"]!.GetValue<int>());
    }

    [Fact]
    public async Task Submit_RawImageAnswer_IsTheOutput()
    {
        var adapter = Adapter(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(Png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } },
        }));
        var output = Assert.Single(Assert.IsType<SubmitOutcome.Completed>(await adapter.SubmitAsync(Request(), CancellationToken.None)).Outputs);
        Assert.Equal(Png, output.Inline);
        Assert.Equal("image/png", output.ContentType);
    }

    [Theory]
    [InlineData("""{"result":"BASE64","success":true}""")]
    [InlineData("""{"result":{"image":"data:image/jpeg;base64,BASE64"},"success":true}""")]
    [InlineData("""{"image":"BASE64"}""")]
    public async Task Submit_OtherBase64Shapes_AreRead(string template)
    {
        var adapter = Adapter(_ => Task.FromResult(Json(200, template.Replace("BASE64", Convert.ToBase64String(Jpeg), StringComparison.Ordinal))));
        var outcome = await adapter.SubmitAsync(Request(), CancellationToken.None);
        Assert.Equal(Jpeg, Assert.Single(Assert.IsType<SubmitOutcome.Completed>(outcome).Outputs).Inline);
    }

    [Theory]
    [InlineData("""{"result":{},"success":true,"errors":[],"messages":[]}""", FailureKind.OutputInvalid)]
    [InlineData("""{"result":{"image":"%%%"},"success":true}""", FailureKind.OutputInvalid)]
    [InlineData("""{"result":null,"success":false,"errors":[{"code":3040,"message":"No more data centers"}]}""", FailureKind.Capacity)]
    [InlineData("<html>502</html>", FailureKind.ServerError)]
    public async Task Submit_SuccessStatusWithoutAnImage_Fails(string body, FailureKind expected)
    {
        var outcome = await Adapter(_ => Task.FromResult(Json(200, body))).SubmitAsync(Request(), CancellationToken.None);
        Assert.Equal(expected, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public async Task Submit_ErrorEnvelope_IsClassified()
    {
        var adapter = Adapter(_ => Task.FromResult(Json(429, """{"result":null,"success":false,"errors":[{"code":3036,"message":"daily free allocation"}],"messages":[]}""")));
        var outcome = await adapter.SubmitAsync(Request(), CancellationToken.None);
        Assert.Equal(FailureKind.CreditsExhausted, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public async Task Submit_WithATokenButNoAccountId_IsNotConfigured_WithoutAnyCall()
    {
        var calls = 0;
        var adapter = Adapter(_ => { calls++; return Task.FromResult(Json(200, "{}")); }, account: null);
        var outcome = await adapter.SubmitAsync(Request(), CancellationToken.None);
        Assert.Equal(FailureKind.NotConfigured, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void NeitherPollingNorCancelIsOffered()
    {
        Assert.IsNotAssignableFrom<IPollingAdapter>(Adapter(_ => Task.FromResult(Json(200, "{}"))));
        Assert.IsNotAssignableFrom<ICancelingAdapter>(Adapter(_ => Task.FromResult(Json(200, "{}"))));
    }

    private static CloudflareAdapter Adapter(Func<HttpRequestMessage, Task<HttpResponseMessage>> reply, string? account = Account)
        => new(new ProviderSettings(CloudflareAdapter.ProviderId, "cf-test", Api, "https://api.cloudflare.com/client/v4", account),
            new ProviderHttp(new HttpClient(new Stub(reply))), new EmulatorAddress());

    private static ProviderRequest Request()
    {
        var unified = new GenerationRequest("a red bicycle", "1:1", "jpg", 1, [], null, null, null, null, null, new Dictionary<string, System.Text.Json.JsonElement>());
        return new ProviderRequest("gen_1", MediaType.Image, Model, new JsonObject { ["prompt"] = "a red bicycle", ["steps"] = 4 }, unified);
    }

    private static HttpResponseMessage Json(int status, string body)
        => new((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class Stub(Func<HttpRequestMessage, Task<HttpResponseMessage>> reply) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => reply(request);
    }
}
