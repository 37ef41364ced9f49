using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Api;

public sealed class StorageProbeTests
{
    [Fact]
    public async Task ConcurrentStorageProbes_AllSucceed_AndLeaveNoProbeFile()
    {
        await using var app = await TestApp.StartAsync();
        // Once every probe wrote, read and deleted one shared file name, so probes at the same moment failed each other.
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => TestApp.GetAsync(app.Client, "/v1/health/storage")));
        Assert.All(answers, a => Assert.True(a.AssertOk().Data.GetProperty("healthy").GetBoolean(), a.Text));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDir, "artifacts"), ".probe*"));
    }
}
