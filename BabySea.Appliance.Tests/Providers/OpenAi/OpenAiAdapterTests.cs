using BabySea.Appliance.Routing;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Providers.OpenAi;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Tests.Providers.OpenAi;

/// <summary>The adapter against a stubbed OpenAI and a stubbed file host, with a real key (not emulated).</summary>
public sealed class OpenAiAdapterTests
{
    private const string Api = "https://api.openai.test/v1";
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
    private static readonly ModelCatalog Catalog = ModelCatalog.Load(AppHost.ConfigFile("models.json"));

    [Fact]
    public async Task Submit_WithoutInputFiles_PostsGenerationsJsonWithTheModelAndWithoutInputFidelity()
    {
        var stub = new Stub(_ => Reply(200, """{"created":1,"output_format":"png","data":[{"b64_json":"iVBORw0KGgo="}]}"""));
        var outcome = await Adapter(stub).SubmitAsync(Request("a cat", ["generation_input_fidelity", "high"]), CancellationToken.None);

        var completed = Assert.IsType<SubmitOutcome.Completed>(outcome);
        Assert.Equal(Convert.FromBase64String("iVBORw0KGgo="), completed.Outputs[0].Inline);
        Assert.Equal("image/png", completed.Outputs[0].ContentType);
        var call = Assert.Single(stub.Calls);
        Assert.Equal($"{Api}/images/generations", call.Url);
        Assert.Equal("Bearer sk-test", call.Authorization);
        var body = JsonNode.Parse(call.Body!)!.AsObject();
        Assert.Equal("gpt-image-1.5", body["model"]!.GetValue<string>());
        Assert.Equal("1536x1024", body["size"]!.GetValue<string>());
        Assert.Equal("medium", body["quality"]!.GetValue<string>());
        Assert.False(body.ContainsKey("input_fidelity"));
    }

    [Fact]
    public async Task Submit_WithInputFiles_DownloadsThemWithoutTheKey_AndPostsEditsMultipart()
    {
        var stub = new Stub(r => r.RequestUri!.Host switch
        {
            "files.test" => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(r.RequestUri.AbsolutePath.EndsWith(".png", StringComparison.Ordinal) ? Png : Jpeg) },
            _ => Reply(200, """{"created":1,"output_format":"webp","data":[{"b64_json":"UklGRg=="},{"b64_json":"UklGRg=="}]}"""),
        });
        var outcome = await Adapter(stub).SubmitAsync(
            Request("put the cat on a sofa", ["generation_input_fidelity", "high"], "https://files.test/cat.png", "https://files.test/sofa.jpg"),
            CancellationToken.None);

        Assert.Equal(2, Assert.IsType<SubmitOutcome.Completed>(outcome).Outputs.Count);
        Assert.Equal(3, stub.Calls.Count);
        Assert.All(stub.Calls.Take(2), c => Assert.Null(c.Authorization));
        var edit = stub.Calls[2];
        Assert.Equal($"{Api}/images/edits", edit.Url);
        Assert.Equal("Bearer sk-test", edit.Authorization);
        Assert.Equal("high", edit.Field("input_fidelity"));
        Assert.Equal("gpt-image-1.5", edit.Field("model"));
        Assert.Equal("put the cat on a sofa", edit.Field("prompt"));
        Assert.Equal("1", edit.Field("n"));
        var images = edit.Parts.Where(p => p.Name == "image[]").ToList();
        Assert.Equal(2, images.Count);
        Assert.Equal(Png, images[0].Bytes);
        Assert.Equal("image/png", images[0].ContentType);
        Assert.Equal(Jpeg, images[1].Bytes);
        Assert.Equal("input-1.jpg", images[1].FileName);
        Assert.DoesNotContain(edit.Parts, p => p.Name == "image");
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task Submit_InputDownloadFails_IsInputUnavailable_AndNothingIsSentToOpenAi(HttpStatusCode status)
    {
        var stub = new Stub(_ => new HttpResponseMessage(status));
        var outcome = await Adapter(stub).SubmitAsync(Request("edit", [], "https://files.test/gone.png"), CancellationToken.None);

        Assert.Equal(FailureKind.InputUnavailable, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
        Assert.DoesNotContain(stub.Calls, c => c.Url.StartsWith(Api, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_InputHostUnreachable_IsInputUnavailable()
    {
        var stub = new Stub(_ => throw new HttpRequestException(HttpRequestError.NameResolutionError));
        var outcome = await Adapter(stub).SubmitAsync(Request("edit", [], "https://nowhere.test/a.png"), CancellationToken.None);
        Assert.Equal(FailureKind.InputUnavailable, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public async Task Submit_InputNotAnImage_IsInvalidRequest()
    {
        var stub = new Stub(_ => Reply(200, "<html>login</html>"));
        var outcome = await Adapter(stub).SubmitAsync(Request("edit", [], "https://files.test/a.png"), CancellationToken.None);
        Assert.Equal(FailureKind.InvalidRequest, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
        Assert.Single(stub.Calls);
    }

    [Theory]
    [InlineData("ftp://files.test/a.png")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    public async Task Submit_InputNotHttp_IsInvalidRequest_WithoutAnyCall(string url)
    {
        var stub = new Stub(_ => Reply(200, "{}"));
        var outcome = await Adapter(stub).SubmitAsync(Request("edit", [], url), CancellationToken.None);
        Assert.Equal(FailureKind.InvalidRequest, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
        Assert.Empty(stub.Calls);
    }

    [Theory]
    [InlineData("""{"created":1,"data":[]}""", FailureKind.OutputInvalid)]
    [InlineData("""{"created":1}""", FailureKind.OutputInvalid)]
    [InlineData("""{"created":1,"data":[{"b64_json":"%%%"}]}""", FailureKind.OutputInvalid)]
    [InlineData("<html>502</html>", FailureKind.ServerError)]
    public async Task Submit_SuccessWithoutUsableImages_Fails(string body, FailureKind expected)
    {
        var outcome = await Adapter(new Stub(_ => Reply(200, body))).SubmitAsync(Request("a cat", []), CancellationToken.None);
        Assert.Equal(expected, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public async Task Submit_ErrorBody_IsClassified()
    {
        var stub = new Stub(_ => Reply(429, """{"error":{"message":"quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"""));
        var outcome = await Adapter(stub).SubmitAsync(Request("a cat", []), CancellationToken.None);
        Assert.Equal(FailureKind.CreditsExhausted, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public void NeitherPollingNorCancelIsOffered()
    {
        Assert.IsNotAssignableFrom<IPollingAdapter>(Adapter(new Stub(_ => Reply(200, "{}"))));
        Assert.IsNotAssignableFrom<ICancelingAdapter>(Adapter(new Stub(_ => Reply(200, "{}"))));
    }

    private static OpenAiAdapter Adapter(Stub stub)
        => new(new ProviderSettings(OpenAiAdapter.ProviderId, "sk-test", Api, "https://api.openai.com/v1"), new ProviderHttp(new HttpClient(stub)), new EmulatorAddress());

    private static ProviderRequest Request(string prompt, string[] extra, params string[] inputs)
    {
        var binding = Catalog.Find("openai/gpt-image-1.5")!.Binding(OpenAiAdapter.ProviderId)!;
        var extras = new Dictionary<string, JsonElement>();
        for (var i = 0; i + 1 < extra.Length; i += 2) extras[extra[i]] = JsonDocument.Parse($"\"{extra[i + 1]}\"").RootElement;
        var unified = new GenerationRequest(prompt, "3:2", "png", 1, inputs, null, null, null, null, null, extras);
        return new ProviderRequest("gen_1", MediaType.Image, binding.Model, NativeParameters.Map(binding, unified), unified);
    }

    private static HttpResponseMessage Reply(int status, string body)
        => new((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed record Part(string Name, string? FileName, string? ContentType, byte[] Bytes);

    private sealed record Call(string Url, string? Authorization, string? Body, IReadOnlyList<Part> Parts)
    {
        public string? Field(string name) => Parts.FirstOrDefault(p => p.Name == name) is { } p ? Encoding.UTF8.GetString(p.Bytes) : null;
    }

    /// <summary>Answers every request with the given reply and keeps what was sent (content is read before the caller disposes it).</summary>
    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> reply) : HttpMessageHandler
    {
        public List<Call> Calls { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var parts = new List<Part>();
            string? body = null;
            if (request.Content is MultipartFormDataContent form)
                foreach (var part in form)
                    parts.Add(new Part(part.Headers.ContentDisposition!.Name!.Trim('"'), part.Headers.ContentDisposition.FileName?.Trim('"'),
                        part.Headers.ContentType?.MediaType, await part.ReadAsByteArrayAsync(ct)));
            else if (request.Content is not null) body = await request.Content.ReadAsStringAsync(ct);
            Calls.Add(new Call(request.RequestUri!.AbsoluteUri, request.Headers.Authorization?.ToString(), body, parts));
            return reply(request);
        }
    }
}
