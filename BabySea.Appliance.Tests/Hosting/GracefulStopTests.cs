using System.Diagnostics;
using System.Text.Json;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Hosting;

public sealed class GracefulStopTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Stop_LetsARunInFlightFinish_WithinTheDrainTimeout()
    {
        await using var app = await TestApp.StartAsync(_dataDir, 0, "Generations:DrainTimeout=00:00:20");
        var id = await app.CreateGenerationAsync("short [[emulate latency:1500]]");
        await WaitForPredictionAsync(app, id);

        var stopping = app.App.StopAsync();
        await Task.Delay(300);
        // The listener closes first: while the run drains, no new work comes in.
        Assert.False(stopping.IsCompleted);
        using var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync("/livez"));
        await stopping;

        Assert.Equal(GenerationStatus.Succeeded, (await app.Service<IGenerationStore>().FindAsync(id, null, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Stop_InterruptsWhatOutlastsTheDrain_WhichResumesAtTheNextStart()
    {
        var port = TestApp.FreePort();
        string id;
        await using (var first = await TestApp.StartAsync(_dataDir, port, "Generations:DrainTimeout=00:00:01"))
        {
            id = await first.CreateGenerationAsync("long [[emulate latency:6000]]");
            await WaitForPredictionAsync(first, id);
            var watch = Stopwatch.StartNew();
            await first.App.StopAsync();
            Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
            Assert.Equal(GenerationStatus.Processing, (await first.Service<IGenerationStore>().FindAsync(id, null, CancellationToken.None))!.Status);
        }

        await using var second = await TestApp.StartAsync(_dataDir, port);
        var done = await second.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.Equal(1, done.GetProperty("generation_attempts").GetArrayLength());
    }

    [Fact]
    public async Task NegativeDrainTimeout_StopsStartUp_NamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var app = BabySea.Appliance.Hosting.AppHost.Build(
                [$"--BABYSEA_DATA_DIR={_dataDir}", "--urls=http://127.0.0.1:0", "--Generations:DrainTimeout=-00:00:01"], new StringWriter());
            await app.StartAsync();
        });
        Assert.Contains("Generations:DrainTimeout", error.Message);
    }

    // Once the provider holds a job id, a stop can only finish the run or leave it resumable, never half-submitted.
    private static async Task WaitForPredictionAsync(TestApp app, string id)
    {
        for (var i = 0; i < 200; i++)
        {
            var g = await app.WaitForAsync(id, _ => true);
            if (g.GetProperty("generation_prediction_id").ValueKind == JsonValueKind.String) return;
            await Task.Delay(20);
        }
        Assert.Fail($"Generation {id} got no provider job id.");
    }
}
