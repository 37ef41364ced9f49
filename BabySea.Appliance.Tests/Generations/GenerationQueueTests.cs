using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Tests.Generations;

public sealed class GenerationQueueTests
{
    [Fact]
    public async Task AnIdStillWaiting_IsNotAddedAgain_ButCanBeOnceTaken()
    {
        var queue = new GenerationQueue(10);
        queue.Enqueue("a");
        queue.Enqueue("b");
        queue.Enqueue("a"); // the periodic look for unclaimed work finds "a" again while it waits
        Assert.Equal(2, queue.Count);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var reader = queue.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal("a", reader.Current);
        queue.Enqueue("a"); // taken, so it may wait again (e.g. a run that gave its lease back)
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal("b", reader.Current);
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal("a", reader.Current);
        Assert.Equal(0, queue.Count);
    }
}
