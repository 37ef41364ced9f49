using System.Threading.Channels;

namespace BabySea.Appliance.Generations;

/// <summary>
/// The in-process job queue: generation ids waiting for a worker. Adding never waits: creates are turned away with
/// BSE5003 once <c>capacity</c> ids wait (<see cref="HasRoom"/>), which bounds memory, while start-up recovery adds
/// whatever the last process left, however much that is, without blocking the worker that drains it. Anything
/// accepted is also in the database as <c>pending</c>, so the queue itself can be lost at any time.
/// </summary>
public sealed class GenerationQueue(int capacity)
{
    // Not SingleReader: the single-reader unbounded channel cannot count, and HasRoom needs the count.
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();

    public bool HasRoom => _channel.Reader.Count < capacity;

    public int Count => _channel.Reader.Count;

    public void Enqueue(string generationId)
    {
        if (!_channel.Writer.TryWrite(generationId)) throw new InvalidOperationException("The generation queue is closed.");
    }

    public IAsyncEnumerable<string> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);
}
