using BabySea.Appliance.Analytics;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Storage.Postgres;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.Migration;

/// <summary>
/// Copies a LiteDB data folder (its appliance stopped: the folder lock says so) into an empty PostgreSQL database in one
/// transaction, so a failed copy leaves the database as empty as it found it: accounts and keys, the ledger in each
/// account's own order (new entry ids, the same balance chain), generations, idempotency keys, activity, webhook
/// endpoints, deliveries in creation order and their attempts, request logs, rollups, retention marks, and the folder's
/// secrets (so its admin token, output links and emulated job ids stay valid); then the output files into the artifacts
/// folder. Ledger checkpoints are not copied: the verify run that follows sets new ones.
/// </summary>
internal sealed class LiteDbToPostgres(LiteStore source, string sourceDataDir, PgDatabase target, string targetArtifacts)
{
    private const int Chunk = 1000;
    private static readonly string[] Secrets = ["admin-token", "url-signing.key", "emulator-token.key"];

    public async Task<IReadOnlyDictionary<string, long>> CopyAsync(Action<string> progress, CancellationToken ct)
    {
        var copied = new Dictionary<string, long>(StringComparer.Ordinal);
        await target.WriteAsync(async tx =>
        {
            copied.Clear();
            async Task Rows(string table, string columns, IEnumerable<object?[]> rows)
            {
                long n = 0;
                foreach (var part in rows.Chunk(Chunk))
                {
                    ct.ThrowIfCancellationRequested();
                    await tx.InsertRowsAsync(table, columns, new string[part[0].Length], part);
                    n += part.Length;
                }
                copied[table] = n;
                progress($"{table}: {n}");
            }

            await Rows("accounts", "id, name, plan, balance, created_at, updated_at, alerts_enabled, alert_thresholds, alerts_fired",
                All(Schema.Accounts).Select(d => new object?[]
                {
                    d["_id"].AsString, d["name"].AsString, d["plan"].AsString, d["balance"].AsDecimal, d.Time("created_at"), d.Time("updated_at"),
                    d["alerts_enabled"].IsBoolean ? d["alerts_enabled"].AsBoolean : null, Decimals(d["alert_thresholds"]), Decimals(d["alerts_fired"]) ?? [],
                }));
            await Rows("api_keys", "id, account_id, name, prefix, hash, scopes, revoked, expires_at, ip_allowlist, created_at, last_used_at",
                All(Schema.ApiKeys).Select(LiteAccountStore.KeyFromDocument).Select(k => new object?[]
                {
                    k.Id, k.AccountId, k.Name, k.Prefix, k.Hash, k.Scopes.ToArray(), k.Revoked, k.ExpiresAt, k.IpAllowlist.ToArray(), k.CreatedAt, k.LastUsedAt,
                }));
            // Each account's entries in the order its balance chain runs ("ak": account|entry id), so seq keeps it.
            await Rows("ledger", "account_id, type, amount, delta, balance_after, generation_id, description, created_at, movement_key",
                Ordered(Schema.Ledger, "ak").Select(d => (Entry: LedgerRows.FromDocument(d), Key: d["movement_key"].AsString)).Select(x => new object?[]
                {
                    x.Entry.AccountId, LedgerMovement.TypeName(x.Entry.Type), x.Entry.Amount, x.Entry.Delta, x.Entry.BalanceAfter, x.Entry.GenerationId,
                    x.Entry.Description, x.Entry.CreatedAt, x.Key,
                }));
            copied["generations"] = 0;
            foreach (var part in All(Schema.Generations).Select(GenerationDocuments.FromDocument).Chunk(Chunk))
            {
                await PgGenerationRows.InsertAsync(tx, part);
                copied["generations"] += part.Length;
            }
            progress($"generations: {copied["generations"]}");
            await Rows("idempotency", "account_id, key, fingerprint, response_json, generation_id, created_at, expires_at",
                All(Schema.Idempotency).Where(d => d["status"].AsString == "completed").Select(d =>
                {
                    var id = d["_id"].AsString;
                    var split = id.IndexOf(':');
                    return new object?[]
                    {
                        id[..split], id[(split + 1)..], d["fingerprint"].AsString, d["response_json"].AsString, d["generation_id"].AsString,
                        d.Time("created_at"), d.Time("expires_at"),
                    };
                }));
            await Rows("activity", "account_id, category, action, description, at", Ordered(Schema.Activity, "_id").Select(d => new object?[]
                { d["account_id"].AsString, d["category"].AsString, d["action"].AsString, d["description"].AsString, d.Time("at") }));
            await Rows("webhook_endpoints", PgOutboxRows.EndpointColumns, All(Schema.WebhookEndpoints).Select(WebhookDocuments.EndpointFrom).Select(e => new object?[]
                { e.Id, e.AccountId, e.Url, e.Events.ToArray(), e.Enabled, e.Secret, e.CreatedAt, e.UpdatedAt, e.ConsecutiveFailures, e.DisabledReason, e.DisabledAt }));
            // In creation order, so the new sequence keeps each endpoint's deliveries in the order they go out.
            await Rows("webhook_deliveries", "id, event_id, endpoint_id, account_id, event_type, data_json, created_at, status, attempts, next_attempt_at, "
                + "last_attempt_at, last_status_code, last_error, delivered_at, replay_of, released_from, released_as",
                Ordered(Schema.WebhookDeliveries, "seq").Select(WebhookDocuments.DeliveryFrom).Select(x => new object?[]
                {
                    x.Id, x.EventId, x.EndpointId, x.AccountId, x.EventType, x.DataJson, x.CreatedAt, x.Status, x.Attempts, x.NextAttemptAt,
                    x.LastAttemptAt, x.LastStatusCode, x.LastError, x.DeliveredAt, x.ReplayOf, x.ReleasedFrom, x.ReleasedAs,
                }));
            await Rows("webhook_attempts", "id, delivery_id, endpoint_id, account_id, number, attempted_at, status_code, error, latency_ms, succeeded",
                All(Schema.WebhookAttempts).Select(d => (Attempt: WebhookDocuments.AttemptFrom(d), Account: d["account_id"].AsString)).Select(x => new object?[]
                {
                    x.Attempt.Id, x.Attempt.DeliveryId, x.Attempt.EndpointId, x.Account, x.Attempt.Number, x.Attempt.AttemptedAt, x.Attempt.StatusCode,
                    x.Attempt.Error, x.Attempt.LatencyMs, x.Attempt.Succeeded,
                }));
            copied["request_logs"] = 0;
            foreach (var part in Ordered(Schema.RequestLogs, "_id").Select(LiteRequestLogStore.FromDocument).Chunk(Chunk))
            {
                await PgRequestLogStore.InsertAsync(tx, part);
                copied["request_logs"] += part.Length;
            }
            progress($"request_logs: {copied["request_logs"]}");
            copied["rollups"] = 0;
            foreach (var part in All(Schema.Rollups).Chunk(Chunk))
            {
                var cells = new Dictionary<PgRollupRows.Cell, decimal>();
                foreach (var d in part)
                {
                    var (account, grain, bucket) = (d["account_id"].AsString, PgRollupRows.Code(RollupRows.GrainOf(d["_id"].AsString)), RollupRows.FromDocument(d));
                    foreach (var (key, count) in bucket.Counts) cells[new PgRollupRows.Cell(account, grain, bucket.Start, 'c', key)] = count;
                    foreach (var (key, sum) in bucket.Sums) cells[new PgRollupRows.Cell(account, grain, bucket.Start, 's', key)] = sum;
                }
                await PgRollupRows.WriteAsync(tx, cells);
                copied["rollups"] += part.Length;
            }
            // How far retention got, not where its walk stood: positions are each engine's own, and a walk from the start finds nothing left to take.
            await Rows("retention_marks", "account_id, category, until", All(Schema.RetentionMarks).Select(d =>
            {
                var id = d["_id"].AsString;
                return new object?[] { id[..id.IndexOf('|')], id[(id.IndexOf('|') + 1)..], d.Time("until") };
            }));
            foreach (var name in Secrets.Where(n => File.Exists(Path.Combine(sourceDataDir, n))))
                await tx.Command("INSERT INTO shared_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    name, File.ReadAllText(Path.Combine(sourceDataDir, name)).Trim()).RunAsync();
            return true;
        });
        copied["output_files"] = CopyArtifacts();
        return copied;
    }

    /// <summary>Every file under the folder's <c>artifacts/</c> into the artifacts folder, where the records' paths look for them.</summary>
    private long CopyArtifacts()
    {
        var from = Path.GetFullPath(Path.Combine(sourceDataDir, "artifacts"));
        var to = Path.GetFullPath(targetArtifacts);
        if (!Directory.Exists(from) || from == to) return 0;
        long files = 0;
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (!File.Exists(destination)) File.Copy(file, destination);
            files++;
        }
        return files;
    }

    private IEnumerable<BsonDocument> All(string collection) => source.Collection(collection).FindAll();

    private IEnumerable<BsonDocument> Ordered(string collection, string field) => source.Collection(collection).Query().OrderBy(field).ToEnumerable();

    private static decimal[]? Decimals(BsonValue v) => v.IsArray ? v.AsArray.Select(x => x.AsDecimal).ToArray() : null;
}
