using BabySea.Appliance.Generations;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Generations;

/// <summary>Work is claimed, not assumed: a generation another worker holds is not run here until its lease runs out.</summary>
public sealed class LeaseTests
{
    [Fact]
    public async Task AGenerationLeasedByAnotherWorker_IsLeftAlone_UntilTheLeaseRunsOut_ThenTakenUp()
    {
        await using var app = await TestApp.StartAsync(null, 0, "Generations:LeaseDuration=00:00:03");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        var store = app.Service<IGenerationStore>();
        var created = (CreateOutcome.Created)await store.CreateAsync(TestGenerations.Pending(account, "leased"), 100, null, CancellationToken.None);
        var id = created.Generation.Id;
        var leasedUntil = DateTimeOffset.UtcNow.AddSeconds(4);
        Assert.NotNull(await store.ClaimAsync(id, "worker-elsewhere", leasedUntil, null, CancellationToken.None));

        // Queued here too, as a second node would see it: the claim fails, nothing runs.
        app.Service<GenerationQueue>().Enqueue(id);
        await Task.Delay(1500);
        Assert.Empty((await store.FindAsync(id, null, CancellationToken.None))!.Attempts);
        Assert.Null(await store.ClaimAsync(id, "worker-third", DateTimeOffset.UtcNow.AddSeconds(30), null, CancellationToken.None));

        // The other worker stops renewing: once its lease ran out, this worker takes the generation up and finishes it.
        var done = await app.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.True(DateTimeOffset.UtcNow >= leasedUntil);
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task ATerminalGeneration_CannotBeClaimed_NorIsItWorkForAnyone()
    {
        await using var app = await TestApp.StartAsync();
        var id = await app.CreateGenerationAsync("done soon");
        await app.WaitForTerminalAsync(id);
        var store = app.Service<IGenerationStore>();
        Assert.Null(await store.ClaimAsync(id, "anyone", DateTimeOffset.UtcNow.AddMinutes(1), null, CancellationToken.None));
        Assert.Empty(await store.UnclaimedAsync(DateTimeOffset.UtcNow, "anyone", CancellationToken.None));
    }
}
