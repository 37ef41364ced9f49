using System.Collections.Concurrent;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Tests.Support;
using BabySea.Appliance.Tests.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BabySea.Appliance.Tests.Routing;

/// <summary>
/// Whatever a provider does (throws, breaks off mid-answer, never finishes), the attempt fails, the chain moves on,
/// and a provider job the appliance gives up is cancelled rather than left running on the operator's bill.
/// </summary>
public sealed class ProviderFaultTests
{
    [Fact]
    public async Task AnAdapterThatThrows_FailsItsAttemptWithBse4001_AndTheNextProviderServes()
    {
        var replicate = new ScriptedAdapter("replicate") { Submit = _ => throw new InvalidCastException("wrong type in the provider's JSON") };
        await using var app = await StartWithAsync(replicate);

        var id = await app.CreateGenerationAsync("a fox", extraJson: "\"generation_provider_order\":\"replicate, fal\"");
        var done = await app.WaitForTerminalAsync(id);

        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        var attempts = done.GetProperty("generation_attempts").EnumerateArray().ToArray();
        Assert.Equal(("replicate", "failed", "BSE4001"), (attempts[0].GetProperty("provider").GetString(), attempts[0].GetProperty("outcome").GetString(),
            attempts[0].GetProperty("error_code").GetString()));
        Assert.Equal("fal", attempts[1].GetProperty("provider").GetString());
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task AnAnswerThatBreaksOffMidBody_IsAProviderError_NotAStuckGeneration()
    {
        await using var openai = await FakeUpstream.StartAsync(async http =>
        {
            http.Response.ContentLength = 50_000;
            await http.Response.WriteAsync("{\"data\":[{\"b64_json\":\"iVBOR");
            await http.Response.Body.FlushAsync();
            http.Abort();
        });
        await using var app = await TestApp.StartAsync(null, 0, "Providers:openai:ApiKey=sk-operator", $"Providers:openai:BaseUrl={openai.BaseUrl}/v1");

        var id = await app.CreateGenerationAsync("a fox", "openai/gpt-image-1.5", "\"generation_provider_order\":\"openai, replicate\"");
        var done = await app.WaitForTerminalAsync(id);

        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.Equal("replicate", done.GetProperty("generation_provider_used").GetString());
        Assert.Equal("BSE4001", done.GetProperty("generation_attempts")[0].GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task AThrottledStatusRead_IsNotAFailedJob_TheNextReadWaitsForRetryAfter()
    {
        var polls = new ConcurrentQueue<DateTimeOffset>();
        var replicate = new ScriptedAdapter("replicate")
        {
            Poll = _ =>
            {
                polls.Enqueue(DateTimeOffset.UtcNow);
                return polls.Count == 1
                    ? new PollOutcome.Failed(new ProviderFailure(FailureKind.RateLimited, "slow down", TimeSpan.FromSeconds(1)))
                    : new PollOutcome.Failed(new ProviderFailure(FailureKind.ServerError, "the job broke"));
            },
        };
        await using var app = await StartWithAsync(replicate);

        var id = await app.CreateGenerationAsync("a fox", extraJson: "\"generation_provider_order\":\"replicate\"");
        var done = await app.WaitForTerminalAsync(id);

        // The job's own failure ends the attempt, not the throttled read before it.
        Assert.Equal("BSE4001", Assert.Single(done.GetProperty("generation_attempts").EnumerateArray()).GetProperty("error_code").GetString());
        var times = polls.ToArray();
        Assert.Equal(2, times.Length);
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(0.95), $"read again after {(times[1] - times[0]).TotalSeconds:0.00} s");
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task BudgetRunningOutWhilePolling_CancelsTheProviderJob_AndRecordsItAsWasted()
    {
        var replicate = new ScriptedAdapter("replicate");
        await using var app = await StartWithAsync(replicate, "Routing:ImageGenerationDeadline=00:00:02");

        var id = await app.CreateGenerationAsync("a fox", extraJson: "\"generation_provider_order\":\"replicate\"");
        var done = await app.WaitForTerminalAsync(id);

        Assert.Equal("BSE4002", done.GetProperty("generation_error_code").GetString());
        var attempt = Assert.Single(done.GetProperty("generation_attempts").EnumerateArray());
        Assert.Equal("abandoned", attempt.GetProperty("outcome").GetString());
        Assert.True(attempt.GetProperty("wasted").GetBoolean());
        Assert.Equal([attempt.GetProperty("provider_job_id").GetString()!], replicate.Canceled);
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task ACancelArrivingDuringSubmit_CancelsTheJobTheSubmitCreated()
    {
        var submitting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replicate = new ScriptedAdapter("replicate")
        {
            Submit = async request =>
            {
                submitting.TrySetResult();
                await release.Task; // the provider is slow to answer; the owner's cancel must not cut it short
                return new SubmitOutcome.Accepted(new ProviderJob("replicate", "job-" + request.GenerationId, null, null));
            },
        };
        await using var app = await StartWithAsync(replicate);

        var id = await app.CreateGenerationAsync("a fox", extraJson: "\"generation_provider_order\":\"replicate\"");
        await submitting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        (await TestApp.PostRawAsync(app.Client, $"/v1/content/generation/cancel/{id}", "")).AssertOk();
        release.SetResult();

        await Eventually.TrueAsync(() => replicate.Canceled.Contains("job-" + id), "the job created by the interrupted submit is cancelled");
        Assert.Equal("canceled", (await app.WaitForTerminalAsync(id)).GetProperty("generation_status").GetString());
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task AResumedJobWhoseProviderCircuitIsOpen_IsCancelledAndRecordedAsWasted_AndTheNextProviderServes()
    {
        var replicate = new ScriptedAdapter("replicate") { Submit = _ => throw new HttpRequestException("down") };
        await using var app = await StartWithAsync(replicate, "Routing:CircuitMinimumThroughput=2", "Routing:CircuitBreakDuration=00:01:00");
        // Two failures on replicate open its circuit.
        for (var i = 0; i < 2; i++)
            await app.WaitForTerminalAsync(await app.CreateGenerationAsync($"opens the circuit {i}", extraJson: "\"generation_provider_order\":\"replicate, fal\""));

        // A generation the last process left running on replicate, as start-up recovery hands it to a worker.
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        var store = app.Service<IGenerationStore>();
        var created = (CreateOutcome.Created)await store.CreateAsync(TestGenerations.Pending(account, "resumed", ["replicate", "fal"]), 100, null,
            CancellationToken.None);
        var id = created.Generation.Id;
        await store.MarkProcessingAsync(id, CancellationToken.None);
        await store.SaveAttemptAsync(id, new Attempt(1, "replicate", "black-forest-labs/flux-schnell", AttemptOutcome.Running, "job-left-running",
            null, null, null, null, DateTimeOffset.UtcNow, null, false), CancellationToken.None);
        app.Service<GenerationQueue>().Enqueue(id);

        var done = await app.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.Equal("fal", done.GetProperty("generation_provider_used").GetString());
        var first = done.GetProperty("generation_attempts")[0];
        Assert.Equal(("abandoned", true), (first.GetProperty("outcome").GetString(), first.GetProperty("wasted").GetBoolean()));
        Assert.Contains("job-left-running", replicate.Canceled);
        await Invariants.CheckAsync(app);
    }

    private static Task<TestApp> StartWithAsync(ScriptedAdapter adapter, params string[] settings)
        => TestApp.StartAsync(null, 0, services => services.AddSingleton(sp =>
            new ProviderRegistry(sp.GetServices<IProviderAdapter>().Where(a => a.Id != adapter.Id).Append(adapter))), settings);

    /// <summary>An adapter whose submit is scripted; by default it accepts a job that never finishes.</summary>
    private sealed class ScriptedAdapter(string id) : IPollingAdapter, ICancelingAdapter
    {
        public ConcurrentQueue<string> Canceled { get; } = new();
        public Func<ProviderRequest, Task<SubmitOutcome>> Submit { get; init; } = request =>
            Task.FromResult<SubmitOutcome>(new SubmitOutcome.Accepted(new ProviderJob(id, "job-" + request.GenerationId, null, null)));

        public string Id => id;
        public bool Emulated => false;
        public Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct) => Submit(request);
        public Func<ProviderJob, PollOutcome> Poll { get; init; } = _ => new PollOutcome.Running();
        public Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct) => Task.FromResult(Poll(job));

        public Task<bool> CancelAsync(ProviderJob job, CancellationToken ct)
        {
            Canceled.Enqueue(job.JobId);
            return Task.FromResult(true);
        }

        public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct) => throw new NotSupportedException();
    }
}
