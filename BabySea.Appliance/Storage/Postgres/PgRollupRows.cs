using System.Text;
using BabySea.Appliance.Analytics;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// Adds rollup deltas to the hour, day and all-time buckets of their account with one upsert per transaction, just before
/// it commits. Rows are written in key order, so two transactions counting into the same buckets wait for each other
/// instead of deadlocking, and a transaction takes these locks last, after its account and generation rows.
/// </summary>
internal static class PgRollupRows
{
    private static readonly RollupGrain[] Grains = [RollupGrain.Hour, RollupGrain.Day, RollupGrain.Total];

    /// <summary>One row's identity and the amount it adds.</summary>
    public readonly record struct Cell(string Account, char Grain, DateTimeOffset Start, char Kind, string Key);

    public static Task WriteAsync(PgTransaction tx, IEnumerable<RollupDelta> deltas)
    {
        var cells = new Dictionary<Cell, decimal>();
        MergeInto(cells, deltas, DateTimeOffset.MinValue);
        return WriteAsync(tx, cells);
    }

    public static async Task WriteAsync(PgTransaction tx, Dictionary<Cell, decimal> cells)
    {
        if (cells.Count == 0) return;
        // A few hundred rows per statement keeps the parameter count well under PostgreSQL's limit.
        foreach (var chunk in cells.OrderBy(c => c.Key, CellOrder.Instance).Chunk(500))
        {
            var sql = new StringBuilder("INSERT INTO rollups (account_id, grain, start, kind, key, value) VALUES ");
            var args = new List<object?>(chunk.Length * 6);
            foreach (var (cell, value) in chunk)
            {
                if (args.Count > 0) sql.Append(',');
                var n = args.Count;
                sql.Append($"(${n + 1}, ${n + 2}::\"char\", ${n + 3}, ${n + 4}::\"char\", ${n + 5}, ${n + 6})");
                args.AddRange([cell.Account, cell.Grain.ToString(), cell.Start, cell.Kind.ToString(), cell.Key, value]);
            }
            sql.Append(" ON CONFLICT (account_id, grain, start, kind, key) DO UPDATE SET value = rollups.value + excluded.value");
            await tx.Command(sql.ToString(), [.. args]).RunAsync();
        }
    }

    /// <summary>Adds the deltas up per row into <paramref name="cells"/>, leaving out hour buckets that start before <paramref name="hoursFrom"/>.</summary>
    public static void MergeInto(Dictionary<Cell, decimal> cells, IEnumerable<RollupDelta?> deltas, DateTimeOffset hoursFrom)
    {
        foreach (var delta in deltas)
        {
            if (delta is null || delta.IsEmpty) continue;
            foreach (var grain in Grains)
            {
                var start = RollupGrains.Start(grain, delta.At);
                if (grain == RollupGrain.Hour && start < hoursFrom) continue;
                foreach (var (k, n) in delta.Counts) Add(cells, new Cell(delta.AccountId, Code(grain), start, 'c', k), n);
                foreach (var (k, v) in delta.Sums) Add(cells, new Cell(delta.AccountId, Code(grain), start, 's', k), v);
            }
        }
    }

    private static void Add(Dictionary<Cell, decimal> cells, Cell cell, decimal amount) => cells[cell] = cells.GetValueOrDefault(cell) + amount;

    public static char Code(RollupGrain grain) => grain switch { RollupGrain.Hour => 'h', RollupGrain.Day => 'd', _ => 't' };

    public static RollupGrain GrainOf(char code) => code switch { 'h' => RollupGrain.Hour, 'd' => RollupGrain.Day, _ => RollupGrain.Total };

    /// <summary>Buckets from rows of (grain, start, kind, key, value), in the order read.</summary>
    public static async Task<List<(RollupGrain Grain, RollupBucket Bucket)>> ReadBucketsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var buckets = new List<(RollupGrain Grain, RollupBucket Bucket)>();
        foreach (var row in await command.ListAsync(r => (Grain: r.GetChar(0), Start: r.Time(1), Kind: r.GetChar(2), Key: r.GetString(3), Value: r.GetDecimal(4)), ct))
        {
            if (buckets.Count == 0 || buckets[^1].Bucket.Start != row.Start || Code(buckets[^1].Grain) != row.Grain)
                buckets.Add((GrainOf(row.Grain), new RollupBucket(row.Start, new Dictionary<string, long>(StringComparer.Ordinal),
                    new Dictionary<string, decimal>(StringComparer.Ordinal))));
            var bucket = buckets[^1].Bucket;
            if (row.Kind == 'c') ((Dictionary<string, long>)bucket.Counts)[row.Key] = (long)row.Value;
            else ((Dictionary<string, decimal>)bucket.Sums)[row.Key] = row.Value;
        }
        return buckets;
    }

    /// <summary>Primary-key order, the order every writer locks rows in.</summary>
    private sealed class CellOrder : IComparer<Cell>
    {
        public static readonly CellOrder Instance = new();

        public int Compare(Cell a, Cell b)
        {
            var c = string.CompareOrdinal(a.Account, b.Account);
            if (c == 0) c = a.Grain.CompareTo(b.Grain);
            if (c == 0) c = a.Start.CompareTo(b.Start);
            if (c == 0) c = a.Kind.CompareTo(b.Kind);
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        }
    }
}
