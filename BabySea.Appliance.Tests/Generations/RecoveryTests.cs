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
        await Invariants.CheckAsync(second);
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

        var stopped = await WithStoreAsync(async store => (await store.FindAsync(id, null, CancellationToken.None))!);
        Assert.Equal(GenerationStatus.Processing, stopped.Status);
        Assert.Equal(AttemptOutcome.Running, Assert.Single(stopped.Attempts).Outcome);

        await using var second = await TestApp.StartAsync(_dataDir, port);
        var done = await second.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.Equal(predictionId, done.GetProperty("generation_prediction_id").GetString());
        Assert.Equal(1, done.GetProperty("generation_attempts").GetArrayLength());
        await Invariants.CheckAsync(second);
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
        await Invariants.CheckAsync(second);
    }

    [Fact]
    public async Task OutputsOnDiskButNotCommitted_AreCommittedAtRestart_WithoutAnotherProviderCall()
    {
        string accountId;
        await using (var first = await TestApp.StartAsync(_dataDir))
            accountId = (await TestApp.GetAsync(first.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        // The last process got the provider's output and wrote it, then died before the commit: the attempt is still
        // running with a job id that no provider knows, so only the files on disk can finish it.
        var running = new Attempt(1, "replicate", "black-forest-labs/flux-schnell", AttemptOutcome.Running, "job-unknown-to-the-provider",
            "http://127.0.0.1:9/nowhere", null, null, null, DateTimeOffset.UtcNow, null, false);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var id = await WithStoreAsync(async store =>
        {
            var created = (CreateOutcome.Created)await store.CreateAsync(NewGeneration(accountId, []), 100, null, CancellationToken.None);
            await store.MarkProcessingAsync(created.Generation.Id, CancellationToken.None);
            await store.SaveAttemptAsync(created.Generation.Id, running, CancellationToken.None);
            await new BabySea.Appliance.Storage.ArtifactStore(Path.Combine(_dataDir, "artifacts")).SaveAsync(created.Generation.Id, running,
                [new BabySea.Appliance.Routing.FetchedOutput(png, "image/png", "png")], 1.5, CancellationToken.None);
            return created.Generation.Id;
        });

        await using var second = await TestApp.StartAsync(_dataDir);
        var done = await second.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        var attempt = Assert.Single(done.GetProperty("generation_attempts").EnumerateArray());
        Assert.Equal(("used", "job-unknown-to-the-provider"), (attempt.GetProperty("outcome").GetString(), attempt.GetProperty("provider_job_id").GetString()));
        var file = await new HttpClient().GetByteArrayAsync(done.GetProperty("generation_output_file")[0].GetString());
        Assert.Equal(png, file);
        await Invariants.CheckAsync(second);
    }

    [Fact]
    public async Task MoreUnfinishedThanTheQueueHolds_AllRunAfterRestart_AndCreatesAreTurnedAwayNotHeld()
    {
        string accountId;
        await using (var first = await TestApp.StartAsync(_dataDir))
            accountId = (await TestApp.GetAsync(first.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        var ids = await WithStoreAsync(async store =>
        {
            var list = new List<string>();
            for (var i = 0; i < 6; i++)
                list.Add(((CreateOutcome.Created)await store.CreateAsync(NewGeneration(accountId, []), 100, null, CancellationToken.None)).Generation.Id);
            return list;
        });

        await using var second = await TestApp.StartAsync(_dataDir, 0, "Generations:QueueCapacity=1", "Generations:MaxConcurrent=1");
        foreach (var id in ids) Assert.Equal("succeeded", (await second.WaitForTerminalAsync(id)).GetProperty("generation_status").GetString());

        // One run holds the only slot and one id waits: the next create is refused at once with BSE5003.
        await second.CreateGenerationAsync("holds the slot [[emulate never_finish]]");
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 4; i++)
            answers.Add(await TestApp.PostRawAsync(second.Client, "/v1/generate/image/bfl/flux-schnell",
                "{\"generation_prompt\":\"waits [[emulate never_finish]]\"}").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(answers, r => (int)r.Status == 503 && r.ErrorCode == "BSE5003");
        await Invariants.CheckAsync(second);
    }

    private Task<T> WithStoreAsync<T>(Func<IGenerationStore, Task<T>> use) => DirectStores.WithGenerationStoreAsync(_dataDir, use);

    private static Generation NewGeneration(string accountId, IReadOnlyList<Attempt> attempts)
        => TestGenerations.Pending(accountId, "recovered") with { Attempts = attempts };
}
