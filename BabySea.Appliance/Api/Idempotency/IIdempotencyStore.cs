namespace BabySea.Appliance.Api.Idempotency;

/// <summary>
/// Idempotency records, scoped per account. A claim is written before the request does its work, so a concurrent
/// duplicate sees it in progress (BSE2016); the generation store completes it in the transaction that creates the
/// generation, or drops it when the create is refused (errors are not replayed, so a retry after a top-up works).
/// </summary>
public interface IIdempotencyStore
{
    Task<ClaimOutcome> ClaimAsync(string accountId, string key, string fingerprint, CancellationToken ct);
    Task ReleaseAsync(string accountId, string key, CancellationToken ct);
    Task<int> SweepExpiredAsync(CancellationToken ct);
}

public abstract record ClaimOutcome
{
    public sealed record Claimed : ClaimOutcome;
    public sealed record Replay(string ResponseJson, string GenerationId) : ClaimOutcome;
    public sealed record OtherBody : ClaimOutcome;
    public sealed record InProgress : ClaimOutcome;
}

/// <summary>What the create transaction records for a claimed key.</summary>
public sealed record IdempotencyCompletion(string Key, string ResponseJson);
