using BabySea.Appliance.Analytics;
using BabySea.Appliance.Generations;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Counts an account's rows still present with the same rules the writers use, to compare with the stored rollups
/// (<c>verify --recount</c>) or to build rollups for a database written before they existed.
/// </summary>
internal static class RollupRecount
{
    public static IEnumerable<RollupDelta?> Deltas(LiteStore s, string accountId)
    {
        var range = BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", accountId + "|~");
        foreach (var d in s.Collection(Schema.RequestLogs).Find(range))
            yield return RollupRules.ForRequest(LiteRequestLogStore.FromDocument(d));
        foreach (var d in s.Collection(Schema.Ledger).Find(range))
            yield return RollupRules.ForLedger(LedgerRows.FromDocument(d));
        foreach (var d in s.Collection(Schema.Generations).Find(range))
        {
            var g = GenerationDocuments.FromDocument(d);
            yield return RollupRules.ForCreated(g);
            yield return RollupRules.ForTransition(g with { Status = GenerationStatus.Processing }, g);
        }
        foreach (var d in s.Collection(Schema.WebhookDeliveries).Find(BsonExpression.Create("account_id = @0", accountId)))
            yield return RollupRules.ForDeliveryStatus(accountId, d.Time("created_at"), null, d["status"].AsString);
    }

    /// <summary>
    /// Every hour and day bucket where the stored rollups differ from a recount of the rows. <paramref name="swept"/> says,
    /// for a key and a bucket, whether retention may have removed rows it counted (those rollups rightly count more) or
    /// the bucket itself.
    /// </summary>
    public static List<string> Compare(LiteStore s, string accountId, Func<string, RollupGrain, DateTimeOffset, bool> swept)
    {
        var recounted = RollupRows.Merge(Deltas(s, accountId)).Where(x => x.Value.Grain != RollupGrain.Total)
            .ToDictionary(x => x.Key, x => x.Value.Delta, StringComparer.Ordinal);
        var stored = s.Collection(Schema.Rollups)
            .Find(BsonExpression.Create("_id BETWEEN @0 AND @1", accountId + "|", accountId + "|~"))
            .Where(d => d["grain"].AsString != "t").ToDictionary(d => d["_id"].AsString, RollupRows.FromDocument, StringComparer.Ordinal);
        var mismatches = new List<string>();
        foreach (var id in recounted.Keys.Union(stored.Keys).Order(StringComparer.Ordinal))
        {
            var kept = stored.GetValueOrDefault(id) ?? RollupBucket.Empty;
            var counted = recounted.GetValueOrDefault(id) ?? new RollupDelta(accountId, kept.Start);
            var start = recounted.TryGetValue(id, out var c) ? c.At : kept.Start;
            var grain = RollupRows.GrainOf(id);
            foreach (var key in counted.Counts.Keys.Union(kept.Counts.Keys).Where(k => !swept(k, grain, start)))
                if (counted.Counts.GetValueOrDefault(key) != kept.Count(key))
                    mismatches.Add($"rollup {id}: {key} is {kept.Count(key)} but the rows count {counted.Counts.GetValueOrDefault(key)}");
            foreach (var key in counted.Sums.Keys.Union(kept.Sums.Keys).Where(k => !swept(k, grain, start)))
                if (counted.Sums.GetValueOrDefault(key) != kept.Sum(key))
                    mismatches.Add($"rollup {id}: {key} is {kept.Sum(key)} but the rows sum to {counted.Sums.GetValueOrDefault(key)}");
        }
        return mismatches;
    }

    /// <summary>
    /// Builds the rollups of a database written before they existed, once, in one transaction: when it holds history but
    /// no rollups. A database with rollups pays one empty-collection check.
    /// </summary>
    private static bool Any(LiteStore s, string collection) => s.Collection(collection).Find(Query.All(), limit: 1).Any();

    public static void BuildIfMissing(LiteStore s)
    {
        // Any() of one document, not Count(): counting walks the whole index, on every start.
        if (Any(s, Schema.Rollups)) return;
        if (!Any(s, Schema.Ledger) && !Any(s, Schema.RequestLogs)) return;
        s.Db.BeginTrans();
        foreach (var account in s.Collection(Schema.Accounts).FindAll().Select(d => d["_id"].AsString).ToArray())
            RollupRows.Apply(s, Deltas(s, account));
        s.Db.Commit();
    }
}
