using System.Net;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Providers.Runway;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Providers.Runway;

public sealed class RunwayAdapterTests
{
    [Theory]
    [InlineData("{\"promptText\":\"p\",\"promptImage\":\"https://x/a.png\"}", "image_to_video")]
    [InlineData("{\"promptText\":\"p\",\"videoUri\":\"https://x/a.mp4\"}", "video_to_video")]
    [InlineData("{\"promptText\":\"p\",\"ratio\":\"1280:720\",\"duration\":5}", "text_to_video")]
    public void Build_Video_PicksTheEndpointFromTheInputs(string native, string endpoint)
        => Assert.Equal(endpoint, RunwayAdapter.Build(Request(MediaType.Video, "gen4.5", native)).Endpoint);

    [Fact]
    public void Build_ImageWithReferences_IsTextToImageWithUriObjects()
    {
        var (endpoint, body) = RunwayAdapter.Build(Request(MediaType.Image, "gen4_image",
            "{\"promptText\":\"p\",\"ratio\":\"1920:1080\",\"referenceImages\":[\"https://x/a.png\",\"https://x/b.png\"]}"));
        Assert.Equal("text_to_image", endpoint);
        Assert.Equal("gen4_image", body["model"]!.GetValue<string>());
        Assert.Equal("""[{"uri":"https://x/a.png"},{"uri":"https://x/b.png"}]""", body["referenceImages"]!.ToJsonString());
    }

    [Theory]
    [InlineData("720p", "16:9", "1920:1080", "1280:720")]
    [InlineData("720p", "1:1", "1080:1080", "720:720")]
    [InlineData("720p", "21:9", "2112:912", "1680:720")]
    [InlineData("1080p", "16:9", "1920:1080", "1920:1080")]
    [InlineData(null, "9:16", "1080:1920", "1080:1920")]
    public void Build_ImageResolution_PicksTheRatioOfThatResolution(string? resolution, string ratio, string mapped, string expected)
    {
        var request = Request(MediaType.Image, "gen4_image", $$"""{"promptText":"p","ratio":"{{mapped}}"}""");
        request = request with { Unified = request.Unified with { Ratio = ratio, Resolution = resolution } };
        Assert.Equal(expected, RunwayAdapter.Build(request).Body["ratio"]!.GetValue<string>());
    }

    [Fact]
    public async Task Submit_SendsBearerAndVersion_AndKeepsTheDocumentedTaskUrl()
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK, """{"id":"6c7b1a2e-4b8a","estimatedCost":{"credits":25}}""");
        var outcome = await Adapter(stub).SubmitAsync(Request(MediaType.Video, "gen4.5", "{\"promptText\":\"p\"}"), CancellationToken.None);

        var job = Assert.IsType<SubmitOutcome.Accepted>(outcome).Job;
        Assert.Equal("https://runway.test/v1/tasks/6c7b1a2e-4b8a", job.PollUrl);
        Assert.Equal(job.PollUrl, job.CancelUrl);
        var (request, _) = Assert.Single(stub.Sent);
        Assert.Equal("https://runway.test/v1/text_to_video", request.RequestUri!.ToString());
        Assert.Equal("Bearer key_test", request.Headers.Authorization!.ToString());
        Assert.Equal(RunwayAdapter.ApiVersion, Assert.Single(request.Headers.GetValues(RunwayAdapter.VersionHeader)));
    }

    [Theory]
    [InlineData("PENDING")]
    [InlineData("THROTTLED")]
    [InlineData("RUNNING")]
    [InlineData("SOMETHING_NEW")]
    public async Task Poll_NonTerminalOrUnknownStatus_IsRunning(string status)
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK, $$"""{"id":"t","createdAt":"2026-09-01T10:00:00.000Z","status":"{{status}}"}""");
        Assert.IsType<PollOutcome.Running>(await Adapter(stub).PollAsync(Job, CancellationToken.None));
    }

    [Fact]
    public async Task Poll_FailedWithSafetyCode_IsContentRejected()
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK, """{"id":"t","status":"FAILED","failure":"Flagged.","failureCode":"SAFETY.INPUT.IMAGE"}""");
        var failed = Assert.IsType<PollOutcome.Failed>(await Adapter(stub).PollAsync(Job, CancellationToken.None));
        Assert.Equal(FailureKind.ContentRejected, failed.Failure.Kind);
    }

    [Fact]
    public async Task Poll_SucceededWithoutOutput_IsOutputInvalid()
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK, """{"id":"t","status":"SUCCEEDED","output":[]}""");
        var failed = Assert.IsType<PollOutcome.Failed>(await Adapter(stub).PollAsync(Job, CancellationToken.None));
        Assert.Equal(FailureKind.OutputInvalid, failed.Failure.Kind);
    }

    private static readonly ProviderJob Job = new(RunwayAdapter.ProviderId, "t", "https://runway.test/v1/tasks/t", "https://runway.test/v1/tasks/t");

    private static RunwayAdapter Adapter(StubHttpHandler stub)
        => new(new ProviderSettings(RunwayAdapter.ProviderId, "key_test", "https://runway.test/v1", "https://api.dev.runwayml.com/v1"),
            new ProviderHttp(new HttpClient(stub)), new EmulatorAddress());

    private static ProviderRequest Request(MediaType type, string model, string nativeJson) => ProviderRequests.Create(type, model, nativeJson);
}
