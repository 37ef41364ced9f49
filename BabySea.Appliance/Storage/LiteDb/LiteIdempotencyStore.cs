using BabySea.Appliance.Api.Idempotency;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteIdempotencyStore(LiteStore store, WriteQueue writer, TimeProvider time) : IIdempotencyStore
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public Task<IdempotencyRecord?> FindAsync(string accountId, string key, CancellationToken ct) => Task.FromResult(Read(store, accountId, key, time.GetUtcNow()));

    public Task<int> SweepExpiredAsync(CancellationToken ct)
        => writer.RunAsync(s => s.Collection(Schema.Idempotency).DeleteMany(BsonExpression.Create("expires_at < @0", Bson.Time(time.GetUtcNow()))));

    /// <summary>The live record of a key (inside the create transaction, or outside it for the fast path).</summary>
    internal static IdempotencyRecord? Read(LiteStore s, string accountId, string key, DateTimeOffset now)
        => s.Collection(Schema.Idempotency).ById(Id(accountId, key)) is { } r && r.Time("expires_at") > now && r["status"].AsString == "completed"
            ? new IdempotencyRecord(r["fingerprint"].AsString, r["response_json"].AsString, r["generation_id"].AsString)
            : null;

    /// <summary>Inside the create transaction: the key now answers with this generation for 24 hours.</summary>
    internal static void Record(LiteStore s, string accountId, IdempotencyClaim claim, string generationId, DateTimeOffset now)
        => s.Collection(Schema.Idempotency).Upsert(new BsonDocument
        {
            ["_id"] = Id(accountId, claim.Key),
            ["fingerprint"] = claim.Fingerprint,
            ["status"] = "completed",
            ["response_json"] = claim.ResponseJson,
            ["generation_id"] = generationId,
            ["created_at"] = Bson.Time(now),
            ["expires_at"] = Bson.Time(now + Window),
        });

    private static string Id(string accountId, string key) => $"{accountId}:{key}";
}
