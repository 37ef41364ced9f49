using BabySea.Appliance.Generations;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Storage;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Storage;

public sealed class ArtifactStoreTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private static readonly Attempt Used = new(1, "replicate", "m", AttemptOutcome.Used, "job", null, null, null, null, DateTimeOffset.UnixEpoch, null, false);

    [Fact]
    public async Task Delete_RacingAWriter_NeverThrows_AndLeavesNoCompleteSetBehind()
    {
        var store = new ArtifactStore(Path.Combine(_dataDir, "artifacts"));
        var outputs = Enumerable.Range(0, 4).Select(i => new FetchedOutput(new byte[64 * 1024], "image/png", "png")).ToArray();
        for (var round = 0; round < 20; round++)
        {
            var writing = Task.Run(async () =>
            {
                try { await store.SaveAsync("g1", Used, outputs, null, CancellationToken.None); }
                catch (IOException) { } // the folder went while writing: the runner's commit is refused anyway
            });
            var deleting = Task.Run(() => store.Delete("g1"));
            await Task.WhenAll(writing, deleting);
            store.Delete("g1");
            Assert.Null(store.FindCompleted("g1"));
        }
    }

    [Fact]
    public async Task FindCompleted_NeedsTheManifestAndEveryFile()
    {
        var store = new ArtifactStore(Path.Combine(_dataDir, "artifacts"));
        var saved = await store.SaveAsync("g2", Used, [new FetchedOutput([1, 2, 3], "image/png", "png")], 2.5, CancellationToken.None);
        var found = store.FindCompleted("g2");
        Assert.NotNull(found);
        Assert.Equal((1, 2.5), (found.Attempt, found.PredictSeconds));
        Assert.Equal(saved, found.Artifacts);
        File.Delete(Path.Combine(_dataDir, saved[0].RelativePath));
        Assert.Null(store.FindCompleted("g2"));
    }
}
