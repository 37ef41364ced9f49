namespace BabySea.Appliance.Api.Idempotency;

/// <summary>
/// Idempotency records, scoped per account. A key is recorded in the transaction that creates its generation, with
/// the answer to replay, and nowhere else: a refused create records nothing (errors are not replayed, so a retry after
/// a top-up works), and a concurrent duplicate is decided in the same writer, after the first, as a replay.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>The live record of a key, read outside any transaction: a fast answer for replays, confirmed at admission.</summary>
    Task<IdempotencyRecord?> FindAsync(string accountId, string key, CancellationToken ct);

    Task<int> SweepExpiredAsync(CancellationToken ct);
}

/// <summary>A create's answer kept for 24 hours under its key.</summary>
public sealed record IdempotencyRecord(string Fingerprint, string ResponseJson, string GenerationId);

/// <summary>What admission checks and records for an <c>Idempotency-Key</c>.</summary>
public sealed record IdempotencyClaim(string Key, string Fingerprint, string ResponseJson);
