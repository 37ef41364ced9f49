using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Generations;

public sealed class SweeperTests
{
    [Fact]
    public async Task OverdueGenerationThatNoWorkerRuns_IsFailedAndRefunded_FreshOnesAreLeftAlone()
    {
        await using var app = await TestApp.StartAsync(null, 0, "Generations:SweepInterval=01:00:00");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        var store = app.Service<IGenerationStore>();
        Generation Orphan(DateTimeOffset created) => TestGenerations.Pending(account, "orphan", createdAt: created);
        // Written straight to the store, never queued: what an unexpected worker error leaves behind.
        var overdue = ((CreateOutcome.Created)await store.CreateAsync(Orphan(DateTimeOffset.UtcNow.AddHours(-1)), 100, null, CancellationToken.None)).Generation.Id;
        var fresh = ((CreateOutcome.Created)await store.CreateAsync(Orphan(DateTimeOffset.UtcNow), 100, null, CancellationToken.None)).Generation.Id;

        Assert.Equal(1, await app.Service<GenerationSweeper>().SweepAsync());
        var swept = (await store.FindAsync(overdue, null, CancellationToken.None))!;
        Assert.Equal((GenerationStatus.Failed, BseCode.ProviderTimeout), (swept.Status, swept.ErrorCode));
        Assert.Equal(GenerationStatus.Pending, (await store.FindAsync(fresh, null, CancellationToken.None))!.Status);
        Assert.Equal(0.997m, (await TestApp.GetAsync(app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
        await Invariants.CheckAsync(app);
    }
}
