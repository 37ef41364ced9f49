using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.AlibabaCloud;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Providers.AlibabaCloud;

/// <summary>
/// DashScope's task path (Wan video and text-to-image) against the built-in emulator. The catalog serves only
/// Qwen-Image from this provider today, so the conformance suite never reaches these endpoints.
/// </summary>
public sealed class AlibabaCloudTaskTests : IClassFixture<AlibabaCloudTaskTests.Host>
{
    private readonly AlibabaCloudAdapter _adapter;

    public AlibabaCloudTaskTests(Host host) => _adapter = (AlibabaCloudAdapter)host.App.Service<ProviderRegistry>().Find(AlibabaCloudAdapter.ProviderId)!;

    public sealed class Host : IAsyncLifetime
    {
        public TestApp App { get; private set; } = null!;

        public async Task InitializeAsync()
            => App = await TestApp.StartAsync(null, 0, "Emulator:ImageLatencyMs=100", "Emulator:VideoLatencyMs=200",
                "Emulator:ImageLongEdge=128", "Emulator:VideoLongEdge=64");

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    [Theory]
    [InlineData("video", "wan2.6-t2v", """{"prompt":"waves roll in","size":"1280*720","duration":5}""", "video/mp4")]
    [InlineData("image", "wan2.2-t2i-flash", """{"prompt":"a lighthouse","size":"1024*1024","n":1}""", "image/png")]
    public async Task Task_RunsToSucceeded_AndItsOutputDownloads(string type, string model, string native, string contentType)
    {
        var outcome = await RunAsync(type == "video" ? MediaType.Video : MediaType.Image, model, native);

        var output = Assert.Single(Assert.IsType<PollOutcome.Succeeded>(outcome).Outputs);
        var fetched = Assert.IsType<FetchOutcome.Fetched>(await _adapter.FetchAsync(output, CancellationToken.None));
        Assert.Equal(contentType, MediaSniffer.Detect(fetched.Bytes)?.ContentType);
    }

    [Fact]
    public async Task VideoTask_FlaggedAfterGeneration_FailsAsContentRejected()
    {
        var outcome = await RunAsync(MediaType.Video, "wan2.6-t2v", """{"prompt":"waves [[emulate alibabacloud:moderation_late]]"}""");
        Assert.Equal(FailureKind.ContentRejected, Assert.IsType<PollOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public async Task VideoTask_RefusedAtSubmit_IsNeverCreated()
    {
        var outcome = await _adapter.SubmitAsync(ProviderRequests.Create(MediaType.Video, "wan2.6-t2v",
            """{"prompt":"waves [[emulate alibabacloud:no_credits]]"}"""), CancellationToken.None);
        Assert.Equal(FailureKind.CreditsExhausted, Assert.IsType<SubmitOutcome.Failed>(outcome).Failure.Kind);
    }

    [Fact]
    public async Task Cancel_RunningTask_IsRefusedAndTheTaskRunsOn()
    {
        var submitted = await _adapter.SubmitAsync(ProviderRequests.Create(MediaType.Video, "wan2.6-t2v",
            """{"prompt":"waves [[emulate alibabacloud:latency:3000]]"}"""), CancellationToken.None);
        var job = Assert.IsType<SubmitOutcome.Accepted>(submitted).Job;
        await Task.Delay(100);

        Assert.False(await _adapter.CancelAsync(job, CancellationToken.None));
        Assert.IsType<PollOutcome.Running>(await _adapter.PollAsync(job, CancellationToken.None));
    }

    private async Task<PollOutcome> RunAsync(MediaType type, string model, string native)
    {
        var submitted = await _adapter.SubmitAsync(ProviderRequests.Create(type, model, native), CancellationToken.None);
        var job = Assert.IsType<SubmitOutcome.Accepted>(submitted).Job;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var outcome = await _adapter.PollAsync(job, deadline.Token);
            if (outcome is not PollOutcome.Running) return outcome;
            await Task.Delay(50, deadline.Token);
        }
    }
}
