using BabySea.Appliance.Api.Idempotency;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Generation records. The store decides nothing: admission is <see cref="Admission.Decide"/> and every later step
/// <see cref="Lifecycle.Decide"/>, each applied in one writer transaction together with the ledger movement it pays with
/// and the webhook deliveries it stages, so a refusal writes nothing and a change is never half written.
/// </summary>
public interface IGenerationStore
{
    /// <summary>Reads the facts of <see cref="AdmissionFacts"/>, decides, and on admission inserts the record as pending with its reserve and its idempotency key.</summary>
    Task<CreateOutcome> CreateAsync(Generation generation, int maxInFlight, IdempotencyClaim? idempotency, CancellationToken ct);

    /// <summary>Applies <paramref name="e"/> to the generation as <see cref="Lifecycle.Decide"/> rules.</summary>
    /// <param name="accountId">When set, another account's generation is not found.</param>
    Task<TransitionOutcome> ApplyAsync(string generationId, LifecycleEvent e, string? accountId, CancellationToken ct);

    /// <param name="accountId">When set, another account's generation is not found.</param>
    Task<Generation?> FindAsync(string generationId, string? accountId, CancellationToken ct);

    /// <summary>An account's generations, newest first.</summary>
    Task<GenerationPage> ListAsync(string accountId, int limit, int offset, CancellationToken ct);


    /// <summary>
    /// Takes the lease on a non-terminal generation for <paramref name="owner"/> until <paramref name="until"/>: null when
    /// it is terminal, gone, or leased by another owner whose lease has not expired. Taking it is the lifecycle's
    /// <see cref="LifecycleEvent.Start"/>, applied in the same transaction: a pending generation comes back processing.
    /// </summary>
    /// <param name="opening">Given the started generation, the attempt the run opens with, if it is known already: recorded in
    /// the same transaction (<see cref="LifecycleEvent.AttemptRecorded"/>), so the run needs no write of its own before it submits.</param>
    Task<Generation?> ClaimAsync(string generationId, string owner, DateTimeOffset until, Func<Generation, Attempt?>? opening, CancellationToken ct);

    /// <summary>Extends <paramref name="owner"/>'s leases on <paramref name="generationIds"/>.</summary>
    Task RenewAsync(string owner, IReadOnlyCollection<string> generationIds, DateTimeOffset until, CancellationToken ct);

    /// <summary>Gives the lease back, so any worker may take the generation at once.</summary>
    Task ReleaseAsync(string generationId, string owner, CancellationToken ct);

    /// <summary>
    /// Non-terminal generations nobody holds a live lease on (never claimed, released, or their owner stopped renewing),
    /// oldest first. With <paramref name="includeOwnedBy"/>, those leased by that owner too: a restarted worker's own.
    /// </summary>
    Task<IReadOnlyList<Generation>> UnclaimedAsync(DateTimeOffset now, string? includeOwnedBy, CancellationToken ct);
}

public sealed record GenerationPage(IReadOnlyList<Generation> Items, int Total);

public abstract record TransitionOutcome
{
    public sealed record Applied(Generation Generation) : TransitionOutcome;

    /// <summary>The lifecycle does not allow the event in <paramref name="Generation"/>'s state; nothing was written.</summary>
    public sealed record Refused(Generation Generation) : TransitionOutcome;

    public sealed record NotFound : TransitionOutcome;
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
