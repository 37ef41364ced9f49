using System.Threading.Channels;

namespace BabySea.Appliance.Generations;

/// <summary>
/// The in-process job queue: generation ids waiting for a worker. Bounded, so a flood of accepted work shows
/// up as BSE5003 at the door instead of unbounded memory; anything accepted is also in the database as
/// <c>pending</c>, so the queue itself can be lost at any time.
/// </summary>
public sealed class GenerationQueue(int capacity)
{
    private readonly Channel<string> _channel = Channel.CreateBounded<string>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    public bool HasRoom => _channel.Reader.Count < capacity;

    public ValueTask EnqueueAsync(string generationId, CancellationToken ct) => _channel.Writer.WriteAsync(generationId, ct);

    public IAsyncEnumerable<string> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);
}
