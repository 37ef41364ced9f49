using BabySea.Appliance.Api.Idempotency;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Generation records and their lifecycle. Every transition is compare-and-set: it names the states it may
/// leave and returns null (or a refusal) when the record is elsewhere. A transition that moves money writes
/// its ledger entry in the same transaction.
/// </summary>
public interface IGenerationStore
{
    /// <summary>
    /// In one transaction: checks the idempotency key (an earlier create with it is replayed, or refused for another
    /// body), the account's in-flight cap for the media type and its balance, reserves the cost, inserts the record as
    /// pending and records the key with the answer. A refusal writes nothing.
    /// </summary>
    Task<CreateOutcome> CreateAsync(Generation generation, int maxInFlight, IdempotencyClaim? idempotency, CancellationToken ct);

    /// <summary>The record if it belongs to <paramref name="accountId"/>; another account's id is simply not found.</summary>
    Generation? Find(string accountId, string generationId);
    Generation? Get(string generationId);
    (IReadOnlyList<Generation> Items, int Total) List(string accountId, int limit, int offset);
    IReadOnlyList<Generation> NonTerminal();

    Task<Generation?> MarkProcessingAsync(string generationId, CancellationToken ct);
    Task<Generation?> SaveAttemptAsync(string generationId, Attempt attempt, CancellationToken ct);
    /// <summary>Marks the generation succeeded with its outputs, records <paramref name="used"/> and charges, in one transaction.</summary>
    Task<Generation?> SucceedAsync(string generationId, Attempt used, IReadOnlyList<Artifact> outputs, double? predictSeconds, CancellationToken ct);
    Task<Generation?> FailAsync(string generationId, string errorCode, string error, CancellationToken ct);
    Task<CancelOutcome> CancelAsync(string accountId, string generationId, CancellationToken ct);
    Task<RemoveOutcome> RemoveAsync(string accountId, string generationId, CancellationToken ct);
}

public abstract record CreateOutcome
{
    public sealed record Created(Generation Generation) : CreateOutcome;
    public sealed record InsufficientCredits(decimal Balance, decimal Required) : CreateOutcome;
    public sealed record AccountMissing : CreateOutcome;
    public sealed record ConcurrencyLimited(int Limit, int InFlight) : CreateOutcome;
    public sealed record Replay(string ResponseJson, string GenerationId) : CreateOutcome;
    public sealed record IdempotencyKeyReused : CreateOutcome;
}

public abstract record CancelOutcome
{
    public sealed record Canceled(Generation Generation) : CancelOutcome;
    public sealed record NotCancelable(GenerationStatus Status) : CancelOutcome;
    public sealed record NotFound : CancelOutcome;
}

public abstract record RemoveOutcome
{
    public sealed record Removed(Generation Generation) : RemoveOutcome;
    public sealed record NotTerminal(GenerationStatus Status) : RemoveOutcome;
    public sealed record NotFound : RemoveOutcome;
}
