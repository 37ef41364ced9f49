using System.Text.Json.Nodes;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.BytePlus;

namespace BabySea.Appliance.Tests.Providers.BytePlus;

public sealed class BytePlusAdapterTests
{
    [Fact]
    public void TaskBody_PromptAndFrames_BecomeTheOrderedContentArray()
    {
        var native = Parse("""{"text":"a boat","ratio":"16:9","duration":5,"first_frame":"https://f/1.png","last_frame":"https://f/2.png","seed":3,"watermark":false}""");

        var body = BytePlusAdapter.TaskBody("seedance-1-0-pro-250528", native);

        Assert.Equal(
            """{"model":"seedance-1-0-pro-250528","content":[{"type":"text","text":"a boat"},"""
            + """{"type":"image_url","image_url":{"url":"https://f/1.png"},"role":"first_frame"},"""
            + """{"type":"image_url","image_url":{"url":"https://f/2.png"},"role":"last_frame"}]"""
            + ""","ratio":"16:9","duration":5,"seed":3,"watermark":false}""",
            body.ToJsonString());
    }

    [Fact]
    public void TaskBody_ReferenceImageList_GivesOneItemPerImage()
    {
        var body = BytePlusAdapter.TaskBody("m", Parse("""{"text":"t","reference_image":["https://a","https://b"]}"""));

        var roles = body["content"]!.AsArray().Select(i => (string?)i!["role"] ?? "(none)").ToArray();
        Assert.Equal(["(none)", "reference_image", "reference_image"], roles);
        Assert.False(body.ContainsKey("reference_image"));
    }

    [Fact]
    public void TaskBody_TextOnly_HasOnlyTheTextItem()
    {
        var body = BytePlusAdapter.TaskBody("m", Parse("""{"text":"t","resolution":"720p"}"""));

        Assert.Single(body["content"]!.AsArray());
        Assert.Equal("720p", (string?)body["resolution"]);
    }

    [Fact]
    public void ImageBody_OneReferenceImage_IsSentAsAString()
    {
        var body = BytePlusAdapter.ImageBody("seedream-4-0-250828", Parse("""{"prompt":"p","size":"2048x2048","image":["https://a"]}"""));

        Assert.Equal("""{"model":"seedream-4-0-250828","prompt":"p","size":"2048x2048","image":"https://a"}""", body.ToJsonString());
    }

    [Fact]
    public void ImageBody_SeveralReferenceImages_StayAList()
        => Assert.Equal(2, BytePlusAdapter.ImageBody("m", Parse("""{"prompt":"p","image":["https://a","https://b"]}"""))["image"]!.AsArray().Count);

    [Fact]
    public void ReadImages_UrlAndB64Items_AreBothOutputs()
    {
        var outcome = BytePlusAdapter.ReadImages(Parse("""{"data":[{"url":"https://tos/x.jpeg","size":"2048x2048"},{"b64_json":"AQID"}],"usage":{}}"""));

        var outputs = Assert.IsType<SubmitOutcome.Completed>(outcome).Outputs;
        Assert.Equal("https://tos/x.jpeg", outputs[0].Url);
        Assert.Equal([1, 2, 3], outputs[1].Inline!);
    }

    [Fact]
    public void ReadImages_OnlyAnItemError_IsClassifiedByItsCode()
    {
        var outcome = BytePlusAdapter.ReadImages(Parse("""{"data":[{"error":{"code":"OutputImageSensitiveContentDetected","message":"m"}}]}"""));

        Assert.Equal(FailureKind.ContentRejected, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public void ReadImages_EmptyData_IsOutputInvalid()
        => Assert.Equal(FailureKind.OutputInvalid, Assert.IsType<SubmitOutcome.Failed>(BytePlusAdapter.ReadImages(Parse("""{"data":[]}"""))).Failure.Kind);

    [Theory]
    [InlineData("queued")]
    [InlineData("running")]
    [InlineData("some_future_status")]
    public void ReadTask_NonTerminalOrUnknownStatus_IsRunning(string status)
        => Assert.IsType<PollOutcome.Running>(BytePlusAdapter.ReadTask(Parse($$"""{"id":"cgt-1","status":"{{status}}"}""")));

    [Fact]
    public void ReadTask_Succeeded_GivesTheVideoUrl()
    {
        var outcome = BytePlusAdapter.ReadTask(Parse(
            """{"id":"cgt-1","status":"succeeded","content":{"video_url":"https://tos/v.mp4"},"created_at":100,"updated_at":161}"""));

        var succeeded = Assert.IsType<PollOutcome.Succeeded>(outcome);
        Assert.Equal("https://tos/v.mp4", succeeded.Outputs.Single().Url);
        Assert.Equal(61, succeeded.PredictSeconds);
    }

    [Fact]
    public void ReadTask_SucceededWithoutVideo_IsOutputInvalid()
        => Assert.Equal(FailureKind.OutputInvalid,
            Assert.IsType<PollOutcome.Failed>(BytePlusAdapter.ReadTask(Parse("""{"status":"succeeded","content":null}"""))).Failure.Kind);

    [Theory]
    [InlineData("""{"status":"failed","error":{"code":"OutputVideoSensitiveContentDetected","message":"m"}}""", FailureKind.ContentRejected)]
    [InlineData("""{"status":"cancelled"}""", FailureKind.Canceled)]
    [InlineData("""{"status":"expired"}""", FailureKind.Timeout)]
    public void ReadTask_TerminalFailure_MapsToItsKind(string task, FailureKind kind)
        => Assert.Equal(kind, Assert.IsType<PollOutcome.Failed>(BytePlusAdapter.ReadTask(Parse(task))).Failure.Kind);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
