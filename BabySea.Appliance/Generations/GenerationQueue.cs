using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace BabySea.Appliance.Generations;

/// <summary>
/// The in-process job queue: generation ids waiting for a worker. Adding never waits: creates are turned away with
/// BSE5003 once <c>capacity</c> ids wait (<see cref="HasRoom"/>), which bounds memory, while start-up recovery adds
/// whatever the last process left, however much that is, without blocking the worker that drains it. Anything
/// accepted is also in the database as <c>pending</c>, so the queue itself can be lost at any time.
/// An id already waiting is not added again: the worker's periodic look for unclaimed generations finds the ones still
/// waiting here too, and a backlog would otherwise grow by itself at every look.
/// </summary>
public sealed class GenerationQueue(int capacity)
{
    // Not SingleReader: the single-reader unbounded channel cannot count, and HasRoom needs the count.
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, byte> _waiting = new(StringComparer.Ordinal);

    public bool HasRoom => _channel.Reader.Count < capacity;

    public int Count => _channel.Reader.Count;

    public void Enqueue(string generationId)
    {
        if (!_waiting.TryAdd(generationId, 0)) return;
        if (_channel.Writer.TryWrite(generationId)) return;
        _waiting.TryRemove(generationId, out _);
        throw new InvalidOperationException("The generation queue is closed.");
    }

    public async IAsyncEnumerable<string> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var id in _channel.Reader.ReadAllAsync(ct))
        {
            _waiting.TryRemove(id, out _);
            yield return id;
        }
    }
}
