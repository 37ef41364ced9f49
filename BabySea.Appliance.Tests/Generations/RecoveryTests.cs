using System.Text.Json;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace BabySea.Appliance.Tests.Generations;

/// <summary>What a restart does with work the last process left unfinished.</summary>
public sealed class RecoveryTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task PendingGeneration_IsRequeuedOnStart_AndSucceeds()
    {
        string accountId;
        await using (var first = await TestApp.StartAsync(_dataDir))
            accountId = (await TestApp.GetAsync(first.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;

        var id = await WithStoreAsync(store => store.CreateAsync(NewGeneration(accountId, []), 100, null, CancellationToken.None)
            .ContinueWith(t => ((CreateOutcome.Created)t.Result).Generation.Id));

        await using var second = await TestApp.StartAsync(_dataDir);
        var done = await second.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Invariants.Check(second);
    }

    [Fact]
    public async Task SubmittedGeneration_ResumesFromItsStoredJobId_WithoutSubmittingAgain()
    {
        var port = TestApp.FreePort();
        string id, predictionId;
        await using (var first = await TestApp.StartAsync(_dataDir, port))
        {
            id = await first.CreateGenerationAsync("slow [[emulate latency:2500]]");
            var running = await first.WaitForAsync(id, _ => true);
            for (var i = 0; running.GetProperty("generation_prediction_id").ValueKind != JsonValueKind.String && i < 100; i++)
            {
                await Task.Delay(20);
                running = await first.WaitForAsync(id, _ => true);
            }
            predictionId = running.GetProperty("generation_prediction_id").GetString()!;
        }

        var stopped = await WithStoreAsync(store => Task.FromResult(store.Get(id)!));
        Assert.Equal(GenerationStatus.Processing, stopped.Status);
        Assert.Equal(AttemptOutcome.Running, Assert.Single(stopped.Attempts).Outcome);

        await using var second = await TestApp.StartAsync(_dataDir, port);
        var done = await second.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.Equal(predictionId, done.GetProperty("generation_prediction_id").GetString());
        Assert.Equal(1, done.GetProperty("generation_attempts").GetArrayLength());
        Invariants.Check(second);
    }

    [Fact]
    public async Task SubmitInterruptedBeforeTheProviderAnswered_IsNotResent_AndRefunds()
    {
        string accountId;
        await using (var first = await TestApp.StartAsync(_dataDir))
            accountId = (await TestApp.GetAsync(first.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        var id = await WithStoreAsync(async store =>
        {
            var created = (CreateOutcome.Created)await store.CreateAsync(NewGeneration(accountId, []), 100, null, CancellationToken.None);
            await store.MarkProcessingAsync(created.Generation.Id, CancellationToken.None);
            await store.SaveAttemptAsync(created.Generation.Id, new Attempt(1, "replicate", "black-forest-labs/flux-schnell", AttemptOutcome.Submitting,
                null, null, null, null, null, DateTimeOffset.UtcNow, null, false), CancellationToken.None);
            return created.Generation.Id;
        });

        await using var second = await TestApp.StartAsync(_dataDir);
        var done = await second.WaitForTerminalAsync(id);
        Assert.Equal("failed", done.GetProperty("generation_status").GetString());
        var attempt = Assert.Single(done.GetProperty("generation_attempts").EnumerateArray());
        Assert.Equal("abandoned", attempt.GetProperty("outcome").GetString());
        Assert.True(attempt.GetProperty("wasted").GetBoolean());
        Assert.Equal(1.000m, (await TestApp.GetAsync(second.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
        Invariants.Check(second);
    }

    private async Task<T> WithStoreAsync<T>(Func<LiteGenerationStore, Task<T>> use)
    {
        using var lite = LiteStore.Open(_dataDir);
        using var writer = new WriteQueue(lite, NullLogger<WriteQueue>.Instance);
        return await use(new LiteGenerationStore(lite, writer, TimeProvider.System, new BabySea.Appliance.Webhooks.OutboxSignal()));
    }

    private static Generation NewGeneration(string accountId, IReadOnlyList<Attempt> attempts) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        AccountId = accountId,
        ModelIdentifier = "bfl/flux-schnell",
        MediaType = MediaType.Image,
        Status = GenerationStatus.Pending,
        ProviderOrder = ["replicate"],
        Request = new GenerationRequest("recovered", "1:1", "png", 1, [], null, null, null, null, null, new Dictionary<string, JsonElement>()),
        Cost = 0.003m,
        CreatedAt = DateTimeOffset.UtcNow,
        Attempts = attempts,
    };
}
