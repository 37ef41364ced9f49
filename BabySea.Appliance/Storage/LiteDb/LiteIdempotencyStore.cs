using BabySea.Appliance.Api.Idempotency;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteIdempotencyStore(WriteQueue writer, TimeProvider time) : IIdempotencyStore
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>A claim whose request died before finishing (a crash) is free again after this long.</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(2);

    public Task<ClaimOutcome> ClaimAsync(string accountId, string key, string fingerprint, CancellationToken ct)
        => writer.RunAsync<ClaimOutcome>(s =>
        {
            var records = s.Collection(Schema.Idempotency);
            var id = Id(accountId, key);
            var now = time.GetUtcNow();
            if (records.FindById(id) is { } existing && Live(existing, now))
            {
                if (existing["fingerprint"].AsString != fingerprint) return new ClaimOutcome.OtherBody();
                return existing["status"].AsString == "completed"
                    ? new ClaimOutcome.Replay(existing["response_json"].AsString, existing["generation_id"].AsString)
                    : new ClaimOutcome.InProgress();
            }
            records.Upsert(new BsonDocument
            {
                ["_id"] = id,
                ["fingerprint"] = fingerprint,
                ["status"] = "in_progress",
                ["created_at"] = Bson.Time(now),
                ["expires_at"] = Bson.Time(now + Window),
            });
            return new ClaimOutcome.Claimed();
        });

    public Task ReleaseAsync(string accountId, string key, CancellationToken ct)
        => writer.RunAsync(s => s.Collection(Schema.Idempotency).Delete(Id(accountId, key)));

    public Task<int> SweepExpiredAsync(CancellationToken ct)
        => writer.RunAsync(s => s.Collection(Schema.Idempotency).DeleteMany(BsonExpression.Create("expires_at < @0", Bson.Time(time.GetUtcNow()))));

    /// <summary>Inside the create transaction: the claim becomes the stored answer.</summary>
    internal static void Complete(LiteStore s, string accountId, IdempotencyCompletion completion, string generationId)
    {
        var records = s.Collection(Schema.Idempotency);
        var record = records.FindById(Id(accountId, completion.Key)) ?? throw new InvalidOperationException("The idempotency claim vanished.");
        record["status"] = "completed";
        record["response_json"] = completion.ResponseJson;
        record["generation_id"] = generationId;
        records.Update(record);
    }

    internal static void Drop(LiteStore s, string accountId, string key) => s.Collection(Schema.Idempotency).Delete(Id(accountId, key));

    private static bool Live(BsonDocument record, DateTimeOffset now)
        => record.Time("expires_at") > now && (record["status"].AsString == "completed" || now - record.Time("created_at") < StaleClaim);

    private static string Id(string accountId, string key) => $"{accountId}:{key}";
}
