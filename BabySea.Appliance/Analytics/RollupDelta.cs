namespace BabySea.Appliance.Analytics;

/// <summary>
/// What one event adds to its account's rollups: counters and money sums, for the hour and the day holding
/// <see cref="At"/> and for the account's all-time totals. Storage adds it as it is; it decides nothing.
/// </summary>
public sealed class RollupDelta(string accountId, DateTimeOffset at)
{
    public string AccountId { get; } = accountId;
    public DateTimeOffset At { get; } = at;
    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, decimal> Sums { get; } = new(StringComparer.Ordinal);

    public RollupDelta Count(string key, long n = 1)
    {
        Counts[key] = Counts.GetValueOrDefault(key) + n;
        return this;
    }

    public RollupDelta Sum(string key, decimal amount)
    {
        Sums[key] = Sums.GetValueOrDefault(key) + amount;
        return this;
    }

    public bool IsEmpty => Counts.Count == 0 && Sums.Count == 0;
}

/// <summary>Time buckets rollups are kept in.</summary>
public enum RollupGrain { Hour, Day, Total }

/// <summary>One bucket as read back: every counter and sum of an account over <see cref="Start"/>'s hour or day.</summary>
public sealed record RollupBucket(DateTimeOffset Start, IReadOnlyDictionary<string, long> Counts, IReadOnlyDictionary<string, decimal> Sums)
{
    public static readonly RollupBucket Empty = new(DateTimeOffset.MinValue, new Dictionary<string, long>(), new Dictionary<string, decimal>());

    public long Count(string key) => Counts.GetValueOrDefault(key);
    public decimal Sum(string key) => Sums.GetValueOrDefault(key);
}

public static class RollupGrains
{
    public static DateTimeOffset Start(RollupGrain grain, DateTimeOffset t)
    {
        var u = t.ToUniversalTime();
        return grain switch
        {
            RollupGrain.Hour => new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, 0, 0, TimeSpan.Zero),
            RollupGrain.Day => new DateTimeOffset(u.Year, u.Month, u.Day, 0, 0, 0, TimeSpan.Zero),
            _ => DateTimeOffset.UnixEpoch,
        };
    }

    public static TimeSpan Length(RollupGrain grain) => grain == RollupGrain.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);

    /// <summary>
    /// Hour buckets serve windows that start less than two days ago; older windows are read in whole UTC days. Hours are
    /// what makes the rollups grow (one document per account and active hour), so they are not kept for a year.
    /// </summary>
    public static readonly TimeSpan HoursServed = TimeSpan.FromDays(2);

    /// <summary>Retention removes hour buckets starting before this: a day past what readers use, so no window meets a half-swept day.</summary>
    public static DateTimeOffset HoursKeptFrom(DateTimeOffset now) => Start(RollupGrain.Hour, now - HoursServed - TimeSpan.FromDays(1));
}

public static class RollupBuckets
{
    /// <summary>Adds buckets into one (a period's totals); its start is the first bucket's.</summary>
    public static RollupBucket Merge(IEnumerable<RollupBucket> buckets)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var sums = new Dictionary<string, decimal>(StringComparer.Ordinal);
        DateTimeOffset? start = null;
        foreach (var b in buckets)
        {
            start ??= b.Start;
            foreach (var (k, n) in b.Counts) counts[k] = counts.GetValueOrDefault(k) + n;
            foreach (var (k, v) in b.Sums) sums[k] = sums.GetValueOrDefault(k) + v;
        }
        return new RollupBucket(start ?? DateTimeOffset.MinValue, counts, sums);
    }

    /// <summary>
    /// The buckets covering [<paramref name="from"/>, <paramref name="to"/>): hours up to the first midnight, whole days after,
    /// so any period costs at most 24 + its days documents and is exact to the hour. A window starting further back than
    /// <see cref="RollupGrains.HoursServed"/> starts at its first day's midnight instead, hour buckets being gone by then.
    /// </summary>
    public static async Task<IReadOnlyList<RollupBucket>> CoveringAsync(IRollupStore rollups, string accountId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        var midnight = RollupGrains.Start(RollupGrain.Day, from);
        if (midnight == from || from < to - RollupGrains.HoursServed) return await rollups.ReadAsync(accountId, RollupGrain.Day, midnight, to, ct);
        midnight = midnight.AddDays(1);
        if (midnight > to) midnight = to;
        return [.. await rollups.ReadAsync(accountId, RollupGrain.Hour, from, midnight, ct), .. await rollups.ReadAsync(accountId, RollupGrain.Day, midnight, to, ct)];
    }

    /// <summary>The distinct values of dimension <paramref name="index"/> among keys starting with <paramref name="prefix"/>.</summary>
    public static IEnumerable<string> Dimension(this RollupBucket b, string prefix, int index = 0)
        => b.Counts.Keys.Concat(b.Sums.Keys).Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..].Split('|')[index]).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal);

    /// <summary>Histogram counts kept under <paramref name="prefix"/> + bucket index.</summary>
    public static Dictionary<int, long> Histogram(this RollupBucket b, string prefix)
        => b.Counts.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal) && c.Value > 0)
            .ToDictionary(c => int.Parse(c.Key[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture), c => c.Value);
}
