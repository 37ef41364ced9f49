using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;

namespace BabySea.Appliance.Generations;

/// <summary>What can happen to an admitted generation.</summary>
public abstract record LifecycleEvent
{
    /// <summary>A worker took it.</summary>
    public sealed record Start : LifecycleEvent;

    /// <summary>An attempt was written or changed (written before its submit is sent).</summary>
    public sealed record AttemptRecorded(Attempt Attempt) : LifecycleEvent;

    /// <summary>Outputs are on disk; <paramref name="Used"/> produced them.</summary>
    public sealed record Succeed(Attempt Used, IReadOnlyList<Artifact> Outputs, double? PredictSeconds) : LifecycleEvent;

    /// <param name="ProviderErrors">Why each provider of the chain did not serve it; empty when no provider was tried.</param>
    public sealed record Fail(BseCode Code, string Message, IReadOnlyList<ProviderError> ProviderErrors) : LifecycleEvent;

    /// <summary>Its owner canceled it.</summary>
    public sealed record Cancel : LifecycleEvent;

    /// <summary>Its owner deleted it: the record stays for the ledger, its outputs go.</summary>
    public sealed record Remove : LifecycleEvent;
}

/// <summary>A state change a generation announces (to its account's webhooks).</summary>
public enum GenerationEvent { Started, Completed, Failed, Canceled }

public abstract record LifecycleDecision
{
    /// <param name="Pays">The ledger movement written in the same transaction, if the step moves money.</param>
    /// <param name="Emits">The event the new state announces, if any.</param>
    public sealed record Changed(Generation Next, LedgerMovement? Pays, GenerationEvent? Emits) : LifecycleDecision;

    /// <summary>The event is not allowed in the generation's current state; nothing is written.</summary>
    public sealed record Refused(GenerationStatus Status) : LifecycleDecision;
}

/// <summary>
/// The generation lifecycle as one function: (state, event) → the new record, the ledger movement it pays with and
/// the event it emits. Admission reserved the cost; a success charges it, a failure or a cancel refunds it, so every
/// terminal state settles the reserve exactly once. Storage applies a decision atomically and decides nothing.
/// <code>
///   pending ──Start──▶ processing ──Succeed──▶ succeeded  (charge)
///      │                  │  ▲ AttemptRecorded
///      ├──Fail/Cancel─────┴──┴──Fail/Cancel──▶ failed / canceled  (refund)
///   terminal ──Remove──▶ same state, outputs gone
/// </code>
/// </summary>
public static class Lifecycle
{
    public static LifecycleDecision Decide(Generation g, LifecycleEvent e, DateTimeOffset now) => (g.Status, e) switch
    {
        (GenerationStatus.Pending, LifecycleEvent.Start) =>
            Change(g with { Status = GenerationStatus.Processing, StartedAt = now }, null, GenerationEvent.Started),

        (GenerationStatus.Processing, LifecycleEvent.AttemptRecorded a) =>
            Change(WithAttempt(g, a.Attempt), null, null),

        (GenerationStatus.Processing, LifecycleEvent.Succeed s) =>
            Change(WithAttempt(g, s.Used) with
            {
                Status = GenerationStatus.Succeeded,
                ProviderUsed = s.Used.Provider,
                Outputs = s.Outputs,
                CompletedAt = now,
                PredictTimeSeconds = s.PredictSeconds,
            }, Pay(g, LedgerType.Charge, $"Charge for generation {g.Id} ({g.ModelIdentifier})"), GenerationEvent.Completed),

        (GenerationStatus.Pending or GenerationStatus.Processing, LifecycleEvent.Fail f) =>
            Change(g with { Status = GenerationStatus.Failed, ErrorCode = f.Code, Error = f.Message, ProviderErrors = f.ProviderErrors, CompletedAt = now },
                Pay(g, LedgerType.Refund, $"Refund for failed generation {g.Id}"), GenerationEvent.Failed),

        (GenerationStatus.Pending or GenerationStatus.Processing, LifecycleEvent.Cancel) =>
            Change(g with { Status = GenerationStatus.Canceled, CompletedAt = now },
                Pay(g, LedgerType.Refund, $"Refund for canceled generation {g.Id}"), GenerationEvent.Canceled),

        (GenerationStatus.Succeeded or GenerationStatus.Failed or GenerationStatus.Canceled, LifecycleEvent.Remove) =>
            Change(g with { Removed = true, Outputs = [] }, null, null),

        _ => new LifecycleDecision.Refused(g.Status),
    };

    /// <summary>The reserve admission writes with a new generation.</summary>
    public static LedgerMovement? Reserve(Generation g)
        => Pay(g, LedgerType.Reserve, $"Reserve for generation {g.Id} ({g.ModelIdentifier})");

    private static LifecycleDecision Change(Generation next, LedgerMovement? pays, GenerationEvent? emits) => new LifecycleDecision.Changed(next, pays, emits);

    private static LedgerMovement? Pay(Generation g, LedgerType type, string description)
        => LedgerMovement.ForGeneration(g.AccountId, g.Id, g.Cost, type, description);

    // An attempt is recorded once per number; a later write of the same number replaces it.
    private static Generation WithAttempt(Generation g, Attempt attempt) => g with
    {
        Attempts = [.. g.Attempts.Where(a => a.Number != attempt.Number), attempt],
        PredictionId = attempt.JobId ?? g.PredictionId,
    };
}
