using System.Net;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.AlibabaCloud;
using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Providers.AlibabaCloud;

public sealed class AlibabaCloudAdapterTests
{
    [Fact]
    public void Build_QwenImage_PutsThePromptInAMessageAndTheRestInParameters()
    {
        var call = AlibabaCloudAdapter.Build(Request(MediaType.Image, "qwen-image",
            """{"text":"a lighthouse","size":"1328*1328","seed":7,"negative_prompt":"fog","n":1,"watermark":false}"""));
        Assert.False(call.Async);
        Assert.Equal(AlibabaCloudAdapter.MultimodalPath, call.Path);
        Assert.Equal("""{"model":"qwen-image","input":{"messages":[{"role":"user","content":[{"text":"a lighthouse"}]}]},"parameters":{"size":"1328*1328","seed":7,"negative_prompt":"fog","n":1,"watermark":false}}""",
            call.Body.ToJsonString());
    }

    [Fact]
    public void Build_QwenImageEdit_PutsImagesBeforeTheText()
    {
        var call = AlibabaCloudAdapter.Build(Request(MediaType.Image, "qwen-image-edit",
            """{"text":"make it night","image":["https://x/a.png"]}"""));
        Assert.Equal("""[{"image":"https://x/a.png"},{"text":"make it night"}]""", call.Body["input"]!["messages"]![0]!["content"]!.ToJsonString());
    }

    [Fact]
    public void Build_Video_IsAnAsyncTaskWithInputAndParametersApart()
    {
        var call = AlibabaCloudAdapter.Build(Request(MediaType.Video, "wan2.6-i2v",
            """{"prompt":"waves","img_url":"https://x/beach.jpg","resolution":"720P","duration":5,"seed":99}"""));
        Assert.True(call.Async);
        Assert.Equal(AlibabaCloudAdapter.VideoPath, call.Path);
        Assert.Equal("""{"prompt":"waves","img_url":"https://x/beach.jpg"}""", call.Body["input"]!.ToJsonString());
        Assert.Equal("""{"resolution":"720P","duration":5,"seed":99}""", call.Body["parameters"]!.ToJsonString());
    }

    [Fact]
    public void Build_ImageNamingItsPromptPrompt_IsATextToImageTask()
    {
        var call = AlibabaCloudAdapter.Build(Request(MediaType.Image, "wan2.2-t2i-flash", """{"prompt":"p","size":"1024x1024"}"""));
        Assert.True(call.Async);
        Assert.Equal(AlibabaCloudAdapter.TextToImagePath, call.Path);
        Assert.Equal("1024*1024", call.Body["parameters"]!["size"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("1328*1328", "1328*1328")]
    [InlineData("1664x928", "1664*928")]
    [InlineData("1280X720", "1280*720")]
    [InlineData("auto", "auto")]
    public void Size_IsSpelledWithAStar(string size, string expected) => Assert.Equal(expected, AlibabaCloudAdapter.Size(size));

    [Fact]
    public async Task Submit_ErrorInsideHttp200_IsAFailureByItsCode()
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK, """{"request_id":"r","code":"DataInspectionFailed","message":"Output data may contain inappropriate content."}""");
        var outcome = await Adapter(stub).SubmitAsync(Request(MediaType.Image, "qwen-image", """{"text":"p"}"""), CancellationToken.None);
        Assert.Equal(FailureKind.ContentRejected, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public async Task Submit_Video_SendsTheAsyncHeader_AndKeepsTheTaskUrls()
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK, """{"request_id":"r","output":{"task_id":"task-1","task_status":"PENDING"}}""");
        var outcome = await Adapter(stub).SubmitAsync(Request(MediaType.Video, "wan2.6-t2v", """{"prompt":"p"}"""), CancellationToken.None);

        var job = Assert.IsType<SubmitOutcome.Accepted>(outcome).Job;
        Assert.Equal("https://dashscope.test/api/v1/tasks/task-1", job.PollUrl);
        Assert.Equal("https://dashscope.test/api/v1/tasks/task-1/cancel", job.CancelUrl);
        var (request, _) = Assert.Single(stub.Sent);
        Assert.Equal("enable", Assert.Single(request.Headers.GetValues(AlibabaCloudAdapter.AsyncHeader)));
        Assert.Equal("Bearer sk-test", request.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task Submit_QwenImage_SendsNoAsyncHeader_AndReturnsTheImages()
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK,
            """{"request_id":"r","output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":[{"image":"https://oss.test/a.png"}]}}]},"usage":{"image_count":1}}""");
        var outcome = await Adapter(stub).SubmitAsync(Request(MediaType.Image, "qwen-image", """{"text":"p"}"""), CancellationToken.None);

        Assert.Equal("https://oss.test/a.png", Assert.Single(Assert.IsType<SubmitOutcome.Completed>(outcome).Outputs).Url);
        Assert.False(Assert.Single(stub.Sent).Request.Headers.Contains(AlibabaCloudAdapter.AsyncHeader));
    }

    [Theory]
    [InlineData("PENDING")]
    [InlineData("RUNNING")]
    [InlineData("SUSPENDED")]
    [InlineData("SOMETHING_NEW")]
    public async Task Poll_NonTerminalOrUnknownStatus_IsRunning(string status)
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK, $$$"""{"request_id":"r","output":{"task_id":"t","task_status":"{{{status}}}"}}""");
        Assert.IsType<PollOutcome.Running>(await Adapter(stub).PollAsync(Job, CancellationToken.None));
    }

    [Fact]
    public async Task Poll_UnknownTask_FailsWithoutEndingTheChain()
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK, """{"request_id":"r","output":{"task_id":"t","task_status":"UNKNOWN"}}""");
        var failed = Assert.IsType<PollOutcome.Failed>(await Adapter(stub).PollAsync(Job, CancellationToken.None));
        Assert.Equal(FailureKind.ServerError, failed.Failure.Kind);
    }

    [Fact]
    public async Task Poll_SucceededImageTask_ReturnsEveryResultUrl()
    {
        var stub = new StubHttpHandler(HttpStatusCode.OK,
            """{"output":{"task_id":"t","task_status":"SUCCEEDED","results":[{"url":"https://oss.test/1.png"},{"code":"DataInspectionFailed","message":"m"},{"url":"https://oss.test/2.png"}]}}""");
        var succeeded = Assert.IsType<PollOutcome.Succeeded>(await Adapter(stub).PollAsync(Job, CancellationToken.None));
        Assert.Equal(["https://oss.test/1.png", "https://oss.test/2.png"], succeeded.Outputs.Select(o => o.Url));
    }

    [Fact]
    public async Task Cancel_RunningTask_IsNotAcknowledged()
    {
        var stub = new StubHttpHandler(HttpStatusCode.BadRequest,
            """{"request_id":"r","code":"UnsupportedOperation","message":"Failed to cancel the task, please confirm if the task is in PENDING status."}""");
        Assert.False(await Adapter(stub).CancelAsync(Job, CancellationToken.None));
    }

    private static ProviderRequest Request(MediaType type, string model, string nativeJson) => ProviderRequests.Create(type, model, nativeJson);

    private static readonly ProviderJob Job = new(AlibabaCloudAdapter.ProviderId, "t", "https://dashscope.test/api/v1/tasks/t",
        "https://dashscope.test/api/v1/tasks/t/cancel");

    private static AlibabaCloudAdapter Adapter(StubHttpHandler stub)
        => new(new ProviderSettings(AlibabaCloudAdapter.ProviderId, "sk-test", "https://dashscope.test/api/v1", "https://dashscope-intl.aliyuncs.com/api/v1"),
            new ProviderHttp(new HttpClient(stub)), new EmulatorAddress());
}
