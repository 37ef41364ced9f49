namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// How many generations each in-flight slot (<c>account:media:active</c>) holds, for the cap admission checks on every
/// create. Counting the slot index's keys costs a step per generation in flight, on the writer thread, for every create:
/// with thousands waiting on a slow provider that count was most of a create's cost. So a slot is counted once and then
/// kept by the writes that move generations in and out of it. Writer thread only; forgotten whenever a transaction rolls
/// back, since a count may include that transaction's writes.
/// </summary>
internal sealed class SlotCounts
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Count(string slot, Func<string, int> countStored)
    {
        if (!_counts.TryGetValue(slot, out var n)) _counts[slot] = n = countStored(slot);
        return n;
    }

    /// <summary>A generation left <paramref name="from"/> (null: it is new) for <paramref name="to"/>.</summary>
    public void Moved(string? from, string to)
    {
        if (from == to) return;
        // A slot not counted yet is counted from the index when first asked, which then includes this write.
        if (from is not null && _counts.TryGetValue(from, out var left)) _counts[from] = left - 1;
        if (_counts.TryGetValue(to, out var joined)) _counts[to] = joined + 1;
    }

    public void Forget() => _counts.Clear();
}
