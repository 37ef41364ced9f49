using BabySea.Appliance.Api.Idempotency;

namespace BabySea.Appliance.Generations;

/// <summary>What admission reads inside its transaction before deciding.</summary>
/// <param name="Earlier">The live record of the request's <c>Idempotency-Key</c>, if it has one and it was used.</param>
/// <param name="Balance">The account's balance; null when the account is gone.</param>
/// <param name="InFlight">The account's pending and processing generations of the new one's media type.</param>
public sealed record AdmissionFacts(IdempotencyRecord? Earlier, decimal? Balance, int InFlight);

/// <summary>
/// Admission as one decision, taken inside the single writer's transaction so no concurrent create slips between a check
/// and the write it guards: a used idempotency key replays (or refuses another body), then the in-flight cap, then the
/// balance. <see cref="CreateOutcome.Created"/> means: insert the record as pending, write its reserve
/// (<see cref="Lifecycle.Reserve"/>) and record the key; every other outcome writes nothing.
/// </summary>
public static class Admission
{
    public static CreateOutcome Decide(Generation generation, IdempotencyClaim? claim, int maxInFlight, AdmissionFacts facts)
    {
        if (claim is not null && facts.Earlier is { } earlier)
            return earlier.Fingerprint == claim.Fingerprint
                ? new CreateOutcome.Replay(earlier.ResponseJson, earlier.GenerationId)
                : new CreateOutcome.IdempotencyKeyReused();
        if (facts.Balance is not { } balance) return new CreateOutcome.AccountMissing();
        if (facts.InFlight >= maxInFlight) return new CreateOutcome.ConcurrencyLimited(maxInFlight, facts.InFlight);
        if (balance < generation.Cost) return new CreateOutcome.InsufficientCredits(balance, generation.Cost);
        return new CreateOutcome.Created(generation);
    }
}
