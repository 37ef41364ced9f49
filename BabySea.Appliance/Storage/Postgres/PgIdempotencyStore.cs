using BabySea.Appliance.Api.Idempotency;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

public sealed class PgIdempotencyStore(PgDatabase db, TimeProvider time) : IIdempotencyStore
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The live record of (account, key) at a time: $1 account, $2 key, $3 now.</summary>
    internal const string FindSql = "SELECT fingerprint, response_json, generation_id FROM idempotency WHERE account_id = $1 AND key = $2 AND expires_at > $3";

    public Task<IdempotencyRecord?> FindAsync(string accountId, string key, CancellationToken ct)
        => db.ReadAsync(c => ReadAsync(c.Command(FindSql, accountId, key, time.GetUtcNow()), ct), ct);

    public Task<int> SweepExpiredAsync(CancellationToken ct)
        => db.WriteAsync(tx => tx.Command("DELETE FROM idempotency WHERE expires_at < $1", time.GetUtcNow()).RunAsync());

    internal static Task<IdempotencyRecord?> ReadAsync(NpgsqlCommand find, CancellationToken ct = default)
        => find.FirstAsync(r => new IdempotencyRecord(r.GetString(0), r.GetString(1), r.GetString(2)), ct);

    /// <summary>Inside the create transaction: the key now answers with this generation for 24 hours (an expired record is replaced).</summary>
    internal static Task RecordAsync(PgTransaction tx, string accountId, IdempotencyClaim claim, string generationId, DateTimeOffset now)
        => tx.Command("""
            INSERT INTO idempotency (account_id, key, fingerprint, response_json, generation_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (account_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, response_json = excluded.response_json,
                generation_id = excluded.generation_id, created_at = excluded.created_at, expires_at = excluded.expires_at
            """, accountId, claim.Key, claim.Fingerprint, claim.ResponseJson, generationId, now, now + Window).RunAsync();
}
