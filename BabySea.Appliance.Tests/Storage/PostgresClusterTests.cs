using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Storage.Postgres;
using BabySea.Appliance.Tests.Support;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Tests.Storage;

/// <summary>
/// Several processes on one PostgreSQL database: what one process gets from its single writer on LiteDB must hold across
/// them through the database alone. Each "process" here has its own pool (data source) or its own app, on one database.
/// These run on every suite run, whatever engine the rest uses: they start the test server themselves.
/// </summary>
public sealed class PostgresClusterTests
{
    [Fact]
    public async Task MigrationsStartedTogether_AreAppliedOnce()
    {
        var database = PostgresServer.NewDatabase();
        var sources = Enumerable.Range(0, 4).Select(_ => PgDatabase.Open(database)).ToArray();
        try
        {
            var applied = await Task.WhenAll(sources.Select(s => Task.Run(() => PgMigrations.Apply(s.Source))));
            Assert.Equal(PgMigrations.Scripts.Count, applied.Sum());
            var versions = await sources[0].ReadAsync(c => c.Command("SELECT version FROM schema_migrations ORDER BY version").ListAsync(r => r.GetInt32(0)),
                CancellationToken.None);
            Assert.Equal(PgMigrations.Scripts.Select(s => s.Version), versions);
            Assert.Equal(0, PgMigrations.Apply(sources[1].Source));
        }
        finally
        {
            foreach (var s in sources) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoAppsOnOneDatabase_ABurstOfCreatesAgainstOneBalance_AdmitsExactlyWhatItCovers()
    {
        var database = PostgresServer.NewDatabase();
        string[] settings = ["Storage:Engine=postgres", $"Storage:ConnectionString={database}"];
        await using var first = await TestApp.StartAsync(null, 0, settings);
        await using var second = await TestApp.StartAsync(null, 0, settings);
        // flux-1.1-pro costs 0.040 and the welcome credit is 1.000: 25 fit, whichever node admits them.
        using var gate = new SemaphoreSlim(0);
        var creates = Enumerable.Range(0, 40).Select(async i =>
        {
            await gate.WaitAsync();
            var app = i % 2 == 0 ? first : second;
            return await TestApp.PostRawAsync(app.Client, "/v1/generate/image/bfl/flux-1.1-pro",
                new JsonObject { ["generation_prompt"] = $"race {i} [[emulate never_finish]]" }.ToJsonString());
        }).ToArray();
        gate.Release(40);
        var answers = await Task.WhenAll(creates);
        Assert.Equal(25, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => a.AssertError(HttpStatusCode.PaymentRequired, "BSE1004"));
        foreach (var app in new[] { first, second })
            Assert.Equal(0.000m, (await TestApp.GetAsync(app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
        await Invariants.CheckAsync(first);
    }

    [Fact]
    public async Task AClaimTakenByOneProcess_IsNotTakenByTheOther_UntilItIsGivenBack()
    {
        var database = PostgresServer.NewDatabase();
        await using var one = PgDatabase.Open(database);
        await using var other = PgDatabase.Open(database);
        PgMigrations.Apply(one.Source);
        var account = await new PgAccountStore(one, TimeProvider.System).CreateAccountAsync("Claims", "enterprise", 10m, "credit", CancellationToken.None);
        var stores = new[] { Store(one), Store(other) };
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
            ids.Add(((CreateOutcome.Created)await stores[0].CreateAsync(TestGenerations.Pending(account.Id, $"claim {i}"), 100, null, CancellationToken.None)).Generation.Id);

        // Both processes claim every generation at the same moment: each is held by exactly one of them.
        var until = DateTimeOffset.UtcNow.AddMinutes(1);
        var claims = await Task.WhenAll(ids.SelectMany(id => new[] { ("a", stores[0]), ("b", stores[1]) }
            .Select(async c => (Id: id, Owner: c.Item1, Claimed: await c.Item2.ClaimAsync(id, c.Item1, until, null, CancellationToken.None)))));
        Assert.All(claims.GroupBy(c => c.Id), g => Assert.Single(g, c => c.Claimed is not null));
        Assert.All(claims.Where(c => c.Claimed is not null), c => Assert.Equal(GenerationStatus.Processing, c.Claimed!.Status));
        Assert.Empty(await stores[1].UnclaimedAsync(DateTimeOffset.UtcNow, null, CancellationToken.None));

        // Given back, a generation is the other process's to take.
        var (id, holder) = claims.Where(c => c.Claimed is not null).Select(c => (c.Id, c.Owner)).First();
        var (mine, theirs, otherOwner) = holder == "a" ? (stores[0], stores[1], "b") : (stores[1], stores[0], "a");
        Assert.Null(await theirs.ClaimAsync(id, otherOwner, until, null, CancellationToken.None));
        await mine.ReleaseAsync(id, holder, CancellationToken.None);
        Assert.Equal([id], (await theirs.UnclaimedAsync(DateTimeOffset.UtcNow, null, CancellationToken.None)).Select(g => g.Id));
        Assert.NotNull(await theirs.ClaimAsync(id, otherOwner, until, null, CancellationToken.None));
    }

    [Fact]
    public async Task ALeaseGivenBackOnOneNode_WakesTheOthers()
    {
        var database = PostgresServer.NewDatabase();
        await using var one = PgDatabase.Open(database);
        await using var other = PgDatabase.Open(database);
        await using var giver = new PgReleasedWorkSignal(one, Microsoft.Extensions.Logging.Abstractions.NullLogger<PgReleasedWorkSignal>.Instance);
        await using var taker = new PgReleasedWorkSignal(other, Microsoft.Extensions.Logging.Abstractions.NullLogger<PgReleasedWorkSignal>.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // The first wait starts the listener and completes at once: word may have gone by before it listened.
        await taker.WaitAsync(timeout.Token);
        var woken = taker.WaitAsync(timeout.Token);
        await Task.Delay(200);
        Assert.False(woken.IsCompleted);
        await giver.NotifyAsync(timeout.Token);
        await woken;
    }

    [Fact]
    public async Task StartUpWork_WaitsForTheNodeDoingIt_WhereAScheduledJobIsSkipped()
    {
        var database = PostgresServer.NewDatabase();
        await using var one = PgDatabase.Open(database);
        await using var other = PgDatabase.Open(database);
        var (first, second) = (new PgJobLocks(one), new PgJobLocks(other));
        var release = new TaskCompletionSource();
        var bootstrapping = first.RunAfterOthersAsync("first-run", _ => release.Task, CancellationToken.None);
        await Task.Delay(200);

        Assert.False(await second.RunExclusiveAsync("first-run", _ => Task.CompletedTask, CancellationToken.None)); // taken: skipped
        var ranAfter = false;
        var waiting = second.RunAfterOthersAsync("first-run", _ =>
        {
            ranAfter = release.Task.IsCompleted;
            return Task.CompletedTask;
        }, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        release.SetResult();
        await bootstrapping;
        await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(ranAfter);
    }

    private static PgGenerationStore Store(PgDatabase db) => new(db, TimeProvider.System, new OutboxSignal(), new PgRollupStore(db, TimeProvider.System));
}
