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
        foreach (var d in s.Collection(Schema.WebhookDeliveries).Find(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", accountId + "|~")))
            yield return RollupRules.ForDeliveryStatus(accountId, d.Time("created_at"), null, d["status"].AsString);
    }

    /// <summary>Every hour and day bucket where the stored rollups differ from a recount of the rows (see <see cref="RollupComparison"/>).</summary>
    public static List<string> Compare(LiteStore s, string accountId, Func<string, RollupGrain, DateTimeOffset, bool> swept)
        => RollupComparison.Mismatches(accountId, Deltas(s, accountId), s.Collection(Schema.Rollups)
            .Find(BsonExpression.Create("_id BETWEEN @0 AND @1", accountId + "|", accountId + "|~"))
            .Select(d => (RollupRows.GrainOf(d["_id"].AsString), RollupRows.FromDocument(d))), swept);

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
