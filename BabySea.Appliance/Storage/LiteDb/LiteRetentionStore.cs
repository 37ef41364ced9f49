using BabySea.Appliance.Analytics;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Retention deletes by walks of the "ak" indexes (account|time-ordered id), so a batch reads only what it removes. Each
/// category's batch is one writer command: other writes queue behind a few milliseconds of work, never a whole sweep.
/// Files go after the commit that forgets them; a crash in between leaves files no record points at, never a record
/// pointing at no file.
/// </summary>
public sealed class LiteRetentionStore(LiteStore store, WriteQueue writer, ArtifactStore artifacts, TimeProvider time) : IRetentionStore
{
    private static readonly string[] Settled = [DeliveryStatus.Delivered, DeliveryStatus.Exhausted, DeliveryStatus.Expired, DeliveryStatus.Released,
        DeliveryStatus.Canceled];

    public async Task<RetentionSwept> SweepAsync(string accountId, RetentionCutoffs c, int batch, CancellationToken ct)
    {
        var files = await writer.RunAsync(s => RemoveFiles(s, accountId, c.OutputFiles, batch));
        foreach (var id in files) artifacts.Delete(id);
        var generations = await writer.RunAsync(s => DeleteGenerations(s, accountId, c.Generations, batch));
        foreach (var id in generations) artifacts.Delete(id);
        var logs = await writer.RunAsync(s => DeleteRange(s, Schema.RequestLogs, accountId, RequestIds.Floor(c.RequestLogs), batch, "request_logs", c.RequestLogs));
        var deliveries = await writer.RunAsync(s => DeleteDeliveries(s, accountId, c.WebhookDeliveries, batch));
        var activity = await writer.RunAsync(s => DeleteActivity(s, accountId, c.Activity, batch));
        var folded = await writer.RunAsync(s => FoldLedger(s, accountId, c.Ledger, batch));
        var hours = await writer.RunAsync(s => DeleteHourRollups(s, accountId, c.HourRollups, batch));
        return new RetentionSwept(files.Count, generations.Count, logs, deliveries, activity, folded, hours);
    }

    public Task<DateTimeOffset?> SweptUntilAsync(string accountId, string category, CancellationToken ct) => Task.FromResult(SweptUntil(store, accountId, category));

    /// <summary>The latest cutoff a sweep of <paramref name="category"/> used for the account (a mark only moves forward); null before the first.</summary>
    internal static DateTimeOffset? SweptUntil(LiteStore s, string accountId, string category) => Mark(s, accountId, category) is { } d ? d.Time("until") : null;

    private List<string> RemoveFiles(LiteStore s, string accountId, DateTimeOffset cutoff, int batch)
    {
        // Records stay (marked removed); the mark remembers how far the walk got, so removed records are not read again.
        var position = Mark(s, accountId, "output_files")?["position"].AsString ?? "";
        var generations = s.Collection(Schema.Generations);
        var rows = generations.Find(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|" + position, accountId + "|" + TimeOrderedIds.Floor(cutoff)), limit: batch)
            .ToArray();
        var removed = new List<string>();
        foreach (var d in rows.Where(d => d["outputs"].AsArray.Count > 0 && GenerationStatuses.Parse(d["status"].AsString).IsTerminal()))
        {
            d["outputs"] = new BsonArray();
            d["removed"] = true;
            generations.Update(d);
            removed.Add(d["_id"].AsString);
        }
        SetMark(s, accountId, "output_files", cutoff, rows.Length > 0 ? rows[^1]["_id"].AsString : position);
        return removed;
    }

    private List<string> DeleteGenerations(LiteStore s, string accountId, DateTimeOffset cutoff, int batch)
    {
        var generations = s.Collection(Schema.Generations);
        // Oldest first, by the ak index alone (a second condition lets LiteDB walk another index in another order), so the
        // ledger fold, which stops at the oldest generation left, moves on as the records go. A generation still running
        // keeps its record (and its reservation) until it ends.
        var rows = generations.Find(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", accountId + "|" + TimeOrderedIds.Floor(cutoff)), limit: batch)
            .Where(d => GenerationStatuses.Parse(d["status"].AsString).IsTerminal()).ToArray();
        foreach (var d in rows) generations.Delete(d["_id"]);
        if (rows.Length > 0) RollupRows.Apply(s, RollupRules.ForGenerationsDeleted(accountId, time.GetUtcNow(), rows.Length));
        SetMark(s, accountId, "generations", cutoff);
        return rows.Select(d => d["_id"].AsString).ToList();
    }

    private static int DeleteRange(LiteStore s, string collection, string accountId, string below, int batch, string category, DateTimeOffset cutoff)
    {
        var rows = s.Collection(collection).Find(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", accountId + "|" + below), limit: batch)
            .Select(d => d["_id"]).ToArray();
        foreach (var id in rows) s.Collection(collection).Delete(id);
        SetMark(s, accountId, category, cutoff);
        return rows.Length;
    }

    private static int DeleteDeliveries(LiteStore s, string accountId, DateTimeOffset cutoff, int batch)
    {
        var deliveries = s.Collection(Schema.WebhookDeliveries);
        var rows = deliveries.Find(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", $"{accountId}|{cutoff.ToUnixTimeMilliseconds():D13}"), limit: batch)
            .Where(d => Settled.Contains(d["status"].AsString)).ToArray();
        foreach (var d in rows)
        {
            deliveries.Delete(d["_id"]);
            s.Collection(Schema.WebhookAttempts).DeleteMany(BsonExpression.Create("delivery_id = @0", d["_id"]));
        }
        foreach (var endpoint in rows.GroupBy(d => d["endpoint_id"].AsString)) DeliveryCounts.Move(s, endpoint.Key, -endpoint.Count());
        SetMark(s, accountId, "webhook_deliveries", cutoff);
        return rows.Length;
    }

    private static int DeleteActivity(LiteStore s, string accountId, DateTimeOffset cutoff, int batch)
    {
        var activity = s.Collection(Schema.Activity);
        var rows = activity.Find(BsonExpression.Create("account_id = @0 AND at < @1", accountId, Bson.Time(cutoff)), limit: batch).Select(d => d["_id"]).ToArray();
        foreach (var id in rows) activity.Delete(id);
        SetMark(s, accountId, "activity", cutoff);
        return rows.Length;
    }

    private static int DeleteHourRollups(LiteStore s, string accountId, DateTimeOffset cutoff, int batch)
    {
        var rollups = s.Collection(Schema.Rollups);
        var rows = rollups.Find(BsonExpression.Create("_id BETWEEN @0 AND @1 AND _id < @1", RollupRows.Id(accountId, RollupGrain.Hour, DateTimeOffset.UnixEpoch),
            RollupRows.Id(accountId, RollupGrain.Hour, cutoff)), limit: batch).Select(d => d["_id"]).ToArray();
        foreach (var id in rows) rollups.Delete(id);
        return rows.Length;
    }

    /// <summary>
    /// Entries before the cutoff become one opening-balance entry: the last of them, rewritten to carry the sum of their
    /// deltas and keeping its balance_after, so balance = sum of entries still holds. The chain is checked first (each
    /// balance_after = the one before + delta); a broken chain is left for <c>verify</c> to report, never folded away.
    /// </summary>
    private int FoldLedger(LiteStore s, string accountId, DateTimeOffset cutoff, int batch)
    {
        // Never an entry of a generation still on record, whatever order the deletes ran in or where a crash stopped them:
        // its reserve, charge and refund are what verify checks it by.
        if (s.Collection(Schema.Generations).Find(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", accountId + "|~"), limit: 1)
                .FirstOrDefault() is { } oldest && oldest.Time("created_at") < cutoff)
            cutoff = oldest.Time("created_at");
        var ledger = s.Collection(Schema.Ledger);
        var rows = ledger.Query().Where(BsonExpression.Create("ak BETWEEN @0 AND @1 AND ak > @0 AND ak < @1", accountId + "|", $"{accountId}|{new ObjectId(ToUnix(cutoff), 0, 0, 0)}"))
            .OrderBy("ak").Limit(batch).ToArray();
        SetMark(s, accountId, "ledger", cutoff);
        if (rows.Length < 2) return 0;
        var entries = rows.Select(LedgerRows.FromDocument).ToArray();
        var running = entries[0].BalanceAfter;
        for (var i = 1; i < entries.Length; i++)
        {
            running += entries[i].Delta;
            if (entries[i].BalanceAfter != running) return 0;
        }
        foreach (var d in rows[..^1]) ledger.Delete(d["_id"]);
        var last = rows[^1];
        last["type"] = LedgerMovement.TypeName(LedgerType.Opening);
        last["amount"] = running;
        last["delta"] = running;
        last["generation_id"] = BsonValue.Null;
        last["description"] = $"Opening balance: {rows.Length} entries before {Timestamps.Format(entries[^1].CreatedAt)} folded by retention";
        last["movement_key"] = $"opening:{last["_id"].AsObjectId}";
        ledger.Update(last);
        // The start-up check walks from its checkpoint; one inside the folded range moves to the opening entry.
        var checkpoints = s.Collection(Schema.LedgerCheckpoints);
        if (checkpoints.ById(accountId) is { } cp && string.CompareOrdinal(cp["last_entry_id"].AsString ?? "", last["_id"].AsObjectId.ToString()) < 0)
        {
            cp["last_entry_id"] = last["_id"].AsObjectId.ToString();
            cp["balance"] = running;
            checkpoints.Update(cp);
        }
        return rows.Length - 1;
    }

    private static int ToUnix(DateTimeOffset t) => (int)Math.Clamp(t.ToUnixTimeSeconds(), 0, int.MaxValue);

    private static BsonDocument? Mark(LiteStore s, string accountId, string category) => s.Collection(Schema.RetentionMarks).ById($"{accountId}|{category}");

    private static void SetMark(LiteStore s, string accountId, string category, DateTimeOffset until, string? position = null)
    {
        var marks = s.Collection(Schema.RetentionMarks);
        var d = Mark(s, accountId, category) ?? new BsonDocument { ["_id"] = $"{accountId}|{category}", ["until"] = Bson.Time(DateTimeOffset.UnixEpoch) };
        if (until > d.Time("until")) d["until"] = Bson.Time(until);
        if (position is not null) d["position"] = position;
        marks.Upsert(d);
    }
}
