using System.Text.Json;
using BabySea.Appliance.Api;
using BabySea.Appliance.Api.Idempotency;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Tests.Generations;

/// <summary>Every (state, event) pair of the lifecycle, and admission's order of checks.</summary>
public sealed class LifecycleRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly Attempt Used = new(1, "replicate", "m", AttemptOutcome.Used, "job-1", null, null, null, null, Now, Now, false);
    private static readonly Artifact Output = new(0, "g/0.png", "abc", 10, "image/png", "png");

    private static Generation InState(GenerationStatus status, decimal cost = 0.490m) => new()
    {
        Id = "g",
        AccountId = "a",
        ModelIdentifier = "kling/v1.5-pro",
        MediaType = MediaType.Video,
        Status = status,
        ProviderOrder = ["replicate"],
        Request = new GenerationRequest("p", "16:9", "mp4", 1, [], null, 5, null, null, null, new Dictionary<string, JsonElement>()),
        Cost = cost,
        CreatedAt = Now.AddMinutes(-1),
    };

    public static TheoryData<string> Events() => [.. EventsByName.Keys];

    private static readonly Dictionary<string, LifecycleEvent> EventsByName = new()
    {
        ["start"] = new LifecycleEvent.Start(),
        ["attempt"] = new LifecycleEvent.AttemptRecorded(Used with { Outcome = AttemptOutcome.Running }),
        ["succeed"] = new LifecycleEvent.Succeed(Used, [Output], 1.5),
        ["fail"] = new LifecycleEvent.Fail(BseCode.ProviderError, "down", []),
        ["cancel"] = new LifecycleEvent.Cancel(),
        ["remove"] = new LifecycleEvent.Remove(),
    };

    // The whole table: which events each state accepts, what it becomes, what it pays and what it announces.
    private static readonly Dictionary<(GenerationStatus, string), (GenerationStatus To, LedgerType? Pays, GenerationEvent? Emits)> Allowed = new()
    {
        [(GenerationStatus.Pending, "start")] = (GenerationStatus.Processing, null, GenerationEvent.Started),
        [(GenerationStatus.Pending, "fail")] = (GenerationStatus.Failed, LedgerType.Refund, GenerationEvent.Failed),
        [(GenerationStatus.Pending, "cancel")] = (GenerationStatus.Canceled, LedgerType.Refund, GenerationEvent.Canceled),
        [(GenerationStatus.Processing, "attempt")] = (GenerationStatus.Processing, null, null),
        [(GenerationStatus.Processing, "succeed")] = (GenerationStatus.Succeeded, LedgerType.Charge, GenerationEvent.Completed),
        [(GenerationStatus.Processing, "fail")] = (GenerationStatus.Failed, LedgerType.Refund, GenerationEvent.Failed),
        [(GenerationStatus.Processing, "cancel")] = (GenerationStatus.Canceled, LedgerType.Refund, GenerationEvent.Canceled),
        [(GenerationStatus.Succeeded, "remove")] = (GenerationStatus.Succeeded, null, null),
        [(GenerationStatus.Failed, "remove")] = (GenerationStatus.Failed, null, null),
        [(GenerationStatus.Canceled, "remove")] = (GenerationStatus.Canceled, null, null),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void EveryStateAndEvent_ChangesPaysAndAnnouncesAsTheTableSays(string eventName)
    {
        foreach (var status in Enum.GetValues<GenerationStatus>())
        {
            var decision = Lifecycle.Decide(InState(status), EventsByName[eventName], Now);
            if (!Allowed.TryGetValue((status, eventName), out var expected))
            {
                Assert.Equal(new LifecycleDecision.Refused(status), decision);
                continue;
            }
            var changed = Assert.IsType<LifecycleDecision.Changed>(decision);
            Assert.Equal(expected.To, changed.Next.Status);
            Assert.Equal(expected.Emits, changed.Emits);
            Assert.Equal(expected.Pays, changed.Pays?.Type);
            if (changed.Pays is { } movement)
                Assert.Equal(("a", 0.490m, "g"), (movement.AccountId, movement.Amount, movement.GenerationId));
        }
    }

    [Fact]
    public void EveryTerminalState_SettlesTheReserveExactlyOnce_AndAFreeGenerationMovesNoMoney()
    {
        Assert.Equal(LedgerType.Reserve, Lifecycle.Reserve(InState(GenerationStatus.Pending))!.Type);
        Assert.Null(Lifecycle.Reserve(InState(GenerationStatus.Pending, cost: 0)));
        foreach (var e in EventsByName.Values)
            if (Lifecycle.Decide(InState(GenerationStatus.Processing, cost: 0), e, Now) is LifecycleDecision.Changed c) Assert.Null(c.Pays);

        // Reserve − then exactly one of charge 0 / refund +: what a terminal generation leaves on the balance is −cost or 0.
        var reserve = Lifecycle.Reserve(InState(GenerationStatus.Pending))!;
        foreach (var (e, net) in new (LifecycleEvent, decimal)[] { (EventsByName["succeed"], -0.490m), (EventsByName["fail"], 0m), (EventsByName["cancel"], 0m) })
        {
            var settle = ((LifecycleDecision.Changed)Lifecycle.Decide(InState(GenerationStatus.Processing), e, Now)).Pays!;
            Assert.Equal(net, reserve.Delta() + settle.Delta());
        }
    }

    [Fact]
    public void Steps_RecordWhatTheyAreAbout()
    {
        var started = ((LifecycleDecision.Changed)Lifecycle.Decide(InState(GenerationStatus.Pending), new LifecycleEvent.Start(), Now)).Next;
        Assert.Equal(Now, started.StartedAt);

        var running = Used with { Outcome = AttemptOutcome.Running, JobId = "job-1" };
        var withAttempt = ((LifecycleDecision.Changed)Lifecycle.Decide(started, new LifecycleEvent.AttemptRecorded(running), Now)).Next;
        var rewritten = ((LifecycleDecision.Changed)Lifecycle.Decide(withAttempt, new LifecycleEvent.AttemptRecorded(running with { Outcome = AttemptOutcome.Failed }), Now)).Next;
        Assert.Equal(AttemptOutcome.Failed, Assert.Single(rewritten.Attempts).Outcome); // one record per attempt number
        Assert.Equal("job-1", rewritten.PredictionId);

        var done = ((LifecycleDecision.Changed)Lifecycle.Decide(rewritten, new LifecycleEvent.Succeed(Used, [Output], 1.5), Now)).Next;
        Assert.Equal(("replicate", 1.5, Now), (done.ProviderUsed, done.PredictTimeSeconds!.Value, done.CompletedAt!.Value));
        Assert.Equal([Output], done.Outputs);

        var failed = ((LifecycleDecision.Changed)Lifecycle.Decide(started, new LifecycleEvent.Fail(BseCode.ProviderTimeout, "late", []), Now)).Next;
        Assert.Equal((BseCode.ProviderTimeout, "late"), (failed.ErrorCode!.Value, failed.Error!));

        var removed = ((LifecycleDecision.Changed)Lifecycle.Decide(done, new LifecycleEvent.Remove(), Now)).Next;
        Assert.True(removed.Removed);
        Assert.Empty(removed.Outputs);
    }

    [Fact]
    public void Admission_ChecksTheKeyThenTheCapThenTheBalance()
    {
        var g = InState(GenerationStatus.Pending);
        var claim = new IdempotencyClaim("k", "fp", "{}");
        var earlier = new IdempotencyRecord("fp", "{\"answer\":1}", "g0");

        Assert.Equal(new CreateOutcome.Replay("{\"answer\":1}", "g0"), Admission.Decide(g, claim, 1, new AdmissionFacts(earlier, 0m, 5)));
        Assert.IsType<CreateOutcome.IdempotencyKeyReused>(Admission.Decide(g, claim with { Fingerprint = "other" }, 1, new AdmissionFacts(earlier, 0m, 5)));
        Assert.IsType<CreateOutcome.AccountMissing>(Admission.Decide(g, claim, 1, new AdmissionFacts(null, null, 0)));
        Assert.Equal(new CreateOutcome.ConcurrencyLimited(2, 2), Admission.Decide(g, null, 2, new AdmissionFacts(null, 0m, 2)));
        Assert.Equal(new CreateOutcome.InsufficientCredits(0.489m, 0.490m), Admission.Decide(g, null, 2, new AdmissionFacts(null, 0.489m, 1)));
        Assert.Equal(new CreateOutcome.Created(g), Admission.Decide(g, claim, 2, new AdmissionFacts(null, 0.490m, 1)));
    }
}
