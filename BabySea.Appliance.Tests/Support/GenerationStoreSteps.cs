using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Tests.Support;

/// <summary>Lifecycle steps by name, for tests that set a generation up in a given state straight through the store.</summary>
public static class GenerationStoreSteps
{
    public static Task<TransitionOutcome> MarkProcessingAsync(this IGenerationStore store, string id, CancellationToken ct)
        => store.ApplyAsync(id, new LifecycleEvent.Start(), null, ct);

    public static Task<TransitionOutcome> SaveAttemptAsync(this IGenerationStore store, string id, Attempt attempt, CancellationToken ct)
        => store.ApplyAsync(id, new LifecycleEvent.AttemptRecorded(attempt), null, ct);

    public static Task<TransitionOutcome> SucceedAsync(this IGenerationStore store, string id, Attempt used, IReadOnlyList<Artifact> outputs,
        double? predictSeconds, CancellationToken ct)
        => store.ApplyAsync(id, new LifecycleEvent.Succeed(used, outputs, predictSeconds), null, ct);

    public static Task<TransitionOutcome> FailAsync(this IGenerationStore store, string id, BseCode code, string message, CancellationToken ct)
        => store.ApplyAsync(id, new LifecycleEvent.Fail(code, message, []), null, ct);
}
