using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace BabySea.Appliance.Tests.Storage;

[Trait("Engine", "LiteDb")]
public sealed class WriteQueueTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();
    private readonly LiteStore _store;
    private readonly WriteQueue _writer;

    public WriteQueueTests()
    {
        _store = LiteStore.Open(_dataDir);
        _writer = new WriteQueue(_store, NullLogger<WriteQueue>.Instance);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _store.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task FailingCommand_InABatch_FailsAlone_AndTheOthersCommit()
    {
        var tasks = Enumerable.Range(0, 50).Select(i => _writer.RunAsync(s =>
        {
            if (i == 25) throw new InvalidOperationException("boom");
            s.Collection("probe").Insert(new LiteDB.BsonDocument { ["_id"] = i });
            return i;
        })).ToArray();
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => tasks[25]);
        Assert.Equal("boom", failed.Message);
        foreach (var t in tasks.Where((_, i) => i != 25)) await t;
        Assert.Equal(49, _store.Collection("probe").Count());
        Assert.Null(_store.Collection("probe").FindById(25));
    }

    [Fact]
    public async Task ConcurrentReservations_NeverOverspend_AndTheLedgerAddsUp()
    {
        var time = TimeProvider.System;
        var (accounts, ledger, generations) = Stores(time);
        var account = await accounts.CreateAccountAsync("race", "free", 1.000m, "Welcome credits", CancellationToken.None);

        // 400 requests at 0.007 each against 1.000: exactly 142 fit.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => Task.Run(() => generations.CreateAsync(new Generation
        {
            Id = Guid.CreateVersion7().ToString(),
            AccountId = account.Id,
            ModelIdentifier = "m",
            MediaType = MediaType.Image,
            Status = GenerationStatus.Pending,
            ProviderOrder = ["replicate"],
            Request = new GenerationRequest("p", "1:1", "png", 1, [], null, null, null, null, null, new Dictionary<string, System.Text.Json.JsonElement>()),
            Cost = 0.007m,
            CreatedAt = time.GetUtcNow(),
        }, int.MaxValue, null, CancellationToken.None))));

        Assert.Equal(142, outcomes.Count(o => o is CreateOutcome.Created));
        Assert.Equal(258, outcomes.Count(o => o is CreateOutcome.InsufficientCredits));
        Assert.Equal(0.006m, (await accounts.FindAccountAsync(account.Id, CancellationToken.None))!.Balance);

        // Half fail, half succeed, and replays of either transition add nothing.
        var created = outcomes.OfType<CreateOutcome.Created>().Select(c => c.Generation.Id).ToArray();
        await Task.WhenAll(created.Select((id, i) => Task.Run(async () =>
        {
            await generations.MarkProcessingAsync(id, CancellationToken.None);
            for (var replay = 0; replay < 2; replay++)
                if (i % 2 == 0) await generations.SucceedAsync(id, Used, [], null, CancellationToken.None);
                else await generations.FailAsync(id, BseCode.ProviderError, "x", CancellationToken.None);
        })));
        Assert.Equal(0.006m + 71 * 0.007m, (await accounts.FindAccountAsync(account.Id, CancellationToken.None))!.Balance);
        await Invariants.CheckAsync(accounts, ledger, generations);
    }

    [Fact]
    public async Task AccountChanges_SharingOneTransaction_EachSeeTheOthers_AndARollbackLeavesNoneBehind()
    {
        var time = TimeProvider.System;
        var (accounts, ledger, generations) = Stores(time);
        var account = await accounts.CreateAccountAsync("batch", "free", 1.000m, "Welcome credits", CancellationToken.None);

        // Hold the writer so that everything below waits together and goes into one group commit.
        var hold = new ManualResetEventSlim();
        var held = _writer.RunAsync(_ => hold.Wait(TimeSpan.FromSeconds(10)));
        var writes = new List<Task>
        {
            ledger.AddCreditsAsync(account.Id, 2.000m, "first", CancellationToken.None),
            accounts.SetAlertsAsync(account.Id, true, [5.000m], CancellationToken.None),
            ledger.AddCreditsAsync(account.Id, 0.500m, "second", CancellationToken.None),
            accounts.SetPlanAsync(account.Id, "pro", CancellationToken.None),
            // Fails after changing the balance: the shared transaction is undone and each write is run again alone.
            _writer.RunAsync<int>(s =>
            {
                LedgerRows.Apply(s, new LedgerMovement(account.Id, LedgerType.Add, 100m, null, "never"), time.GetUtcNow());
                throw new InvalidOperationException("boom");
            }),
            ledger.AddCreditsAsync(account.Id, 0.250m, "third", CancellationToken.None),
        };
        hold.Set();
        Assert.True(await held);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writes[4]);
        foreach (var w in writes.Where((_, i) => i != 4)) await w;

        var stored = (await accounts.FindAccountAsync(account.Id, CancellationToken.None))!;
        Assert.Equal(3.750m, stored.Balance);
        Assert.Equal("pro", stored.Plan);
        var (settings, fired) = (await accounts.AlertsAsync(account.Id, CancellationToken.None))!.Value;
        Assert.Equal(new[] { 5.000m }, settings.Thresholds);
        Assert.Equal(new[] { 5.000m }, fired); // 3.750 is below the threshold set in the same transaction
        await Invariants.CheckAsync(accounts, ledger, generations);
    }

    [Fact]
    public async Task AnEndpointDisabled_EarlierInTheSameTransaction_HoldsWhatIsStagedAfter()
    {
        var time = TimeProvider.System;
        var now = time.GetUtcNow();
        var webhooks = new LiteWebhookStore(_store, _writer, time);
        var endpoint = new BabySea.Appliance.Webhooks.WebhookEndpoint("ep-1", "acct-1", "https://hooks.example.com/a", [BabySea.Appliance.Webhooks.WebhookEvents.LowBalance],
            true, "whsec_x", now, now, 0, null, null);
        await webhooks.InsertEndpointAsync(endpoint, CancellationToken.None);
        var e = BabySea.Appliance.Webhooks.WebhookEvents.LowBalanceCrossed("acct-1", 0.400m, [0.500m]);

        var hold = new ManualResetEventSlim();
        var held = _writer.RunAsync(_ => hold.Wait(TimeSpan.FromSeconds(10)));
        var before = _writer.RunAsync(s => OutboxRows.Stage(s, e, now)); // reads the account's endpoints: enabled
        var disabled = webhooks.DisableAsync("ep-1", "manual", CancellationToken.None);
        var after = _writer.RunAsync(s => OutboxRows.Stage(s, e, now));
        hold.Set();
        Assert.True(await held);
        Assert.Equal(1, await before);
        Assert.NotNull(await disabled);
        Assert.Equal(1, await after);

        var (items, total) = await webhooks.ListDeliveriesAsync("ep-1", 10, 0, CancellationToken.None);
        Assert.Equal(2, total);
        Assert.All(items, d => Assert.Equal(BabySea.Appliance.Webhooks.DeliveryStatus.Held, d.Status));
    }

    private (LiteAccountStore Accounts, LiteLedgerStore Ledger, LiteGenerationStore Generations) Stores(TimeProvider time)
        => (new LiteAccountStore(_store, _writer, time), new LiteLedgerStore(_store, _writer, time),
            new LiteGenerationStore(_store, _writer, time, new BabySea.Appliance.Webhooks.OutboxSignal(), new LiteRollupStore(_store, time)));

    private static readonly Attempt Used = new(1, "replicate", "m", AttemptOutcome.Used, "job", null, null, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false);
}
