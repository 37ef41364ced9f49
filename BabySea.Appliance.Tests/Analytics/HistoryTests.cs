using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Analytics;

/// <summary>The history read endpoints: analytics from rollups, request logs and the ledger by keyset pages.</summary>
public sealed class HistoryTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private string _account = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, 0, "Emulator:ImageLatencyMs=50", "Emulator:ImageLongEdge=256", "Routing:CircuitMinimumThroughput=1000");
        _account = (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{_account}/credits", new JsonObject { ["amount"] = 10 })).AssertOk();
    }

    public async Task DisposeAsync()
    {
        await Invariants.CheckAsync(_app);
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Analytics_CountsGenerationsCreditsRequestsAndFailover_InTheCurrentBucket()
    {
        var plain = await RunAsync("bfl/flux-schnell", "a seal", "replicate");
        var failedOver = await RunAsync("runway/gen4-image-turbo", "a harbour [[emulate runway:server_error]]", null);
        Assert.Equal("succeeded", plain.GetProperty("generation_status").GetString());
        Assert.Equal("succeeded", failedOver.GetProperty("generation_status").GetString());
        await TestApp.GetAsync(_app.Client, "/v1/content/00000000-0000-0000-0000-000000000000");

        var day = (await TestApp.GetAsync(_app.Client, "/v1/analytics")).AssertOk().Data;
        Assert.Equal(("7d", "day", 7), (day.GetProperty("period").GetString(), day.GetProperty("bucket").GetString(), day.GetProperty("series").GetArrayLength()));
        var generations = day.GetProperty("generations");
        Assert.Equal((2, 0, 0, 1), (generations.GetProperty("succeeded").GetInt32(), generations.GetProperty("failed").GetInt32(),
            generations.GetProperty("canceled").GetInt32(), generations.GetProperty("failed_over").GetInt32()));
        var cost = plain.GetProperty("generation_cost").GetDecimal() + failedOver.GetProperty("generation_cost").GetDecimal();
        var credits = day.GetProperty("credits");
        Assert.Equal((cost, cost, 0m, 11m), (credits.GetProperty("reserved").GetDecimal(), credits.GetProperty("charged").GetDecimal(),
            credits.GetProperty("refunded").GetDecimal(), credits.GetProperty("granted").GetDecimal()));
        Assert.Equal(2, day.GetProperty("series")[6].GetProperty("generations").GetProperty("succeeded").GetInt32());

        var providers = day.GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("provider").GetString()!);
        Assert.Equal(1, providers["runway"].GetProperty("failed").GetInt32());
        Assert.Equal(2, providers["replicate"].GetProperty("used").GetInt32());
        var model = day.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "bfl/flux-schnell");
        Assert.Equal((1, 1), (model.GetProperty("generations").GetInt32(), model.GetProperty("succeeded").GetInt32()));

        var requests = day.GetProperty("requests");
        Assert.True(requests.GetProperty("total").GetInt32() >= 4);
        Assert.Equal(2, requests.GetProperty("by_endpoint").GetProperty("POST /v1/generate/image/{**model}").GetInt32());
        Assert.True(requests.GetProperty("by_status").GetProperty("404").GetInt32() >= 1);
        Assert.Equal(1, day.GetProperty("errors_by_code").GetProperty("BSE3001").GetInt32());
        var key = requests.GetProperty("by_key")[0];
        Assert.False(string.IsNullOrEmpty(key.GetProperty("key_name").GetString()));
        Assert.True(day.GetProperty("latency_ms").GetProperty("p95").GetDouble() > 0);
        Assert.True(day.GetProperty("inference_seconds").GetProperty("p50").GetDouble() > 0);

        var hour = (await TestApp.GetAsync(_app.Client, "/v1/analytics?period=24h")).AssertOk().Data;
        Assert.Equal(("hour", 24), (hour.GetProperty("bucket").GetString(), hour.GetProperty("series").GetArrayLength()));
        Assert.Equal(2, hour.GetProperty("series")[23].GetProperty("generations").GetProperty("succeeded").GetInt32());
        var admin = (await TestApp.GetAsync(_app.Admin, $"/admin/v1/accounts/{_account}/analytics?period=90d")).AssertOk().Data;
        Assert.Equal(90, admin.GetProperty("series").GetArrayLength());
        Assert.Equal(2, admin.GetProperty("generations").GetProperty("succeeded").GetInt32());

        (await TestApp.GetAsync(_app.Client, "/v1/analytics?period=1y")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "period");
        (await TestApp.GetAsync(_app.Admin, "/admin/v1/accounts/nope/analytics")).AssertError(HttpStatusCode.NotFound, "BSE1008");

        var usage = (await TestApp.GetAsync(_app.Client, "/v1/usage?days=1")).AssertOk().Data;
        Assert.Equal(2, usage.GetProperty("usage_total_generations").GetInt32());
        Assert.Equal(3, usage.GetProperty("usage_total_provider_submissions").GetInt32());
        Assert.Equal(cost, usage.GetProperty("usage_credits_charged").GetDecimal());
    }

    [Fact]
    public async Task Logs_PageNewestFirst_ByCursor_WithFilters_AndNeverShowTheRawAddress()
    {
        using var client = _app.NewClient(TestApp.ApiKey);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("history-test/1.0");
        for (var i = 0; i < 5; i++) await TestApp.GetAsync(client, "/v1/status");
        await TestApp.GetAsync(client, "/v1/content/00000000-0000-0000-0000-000000000000");

        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = (await TestApp.GetAsync(client, "/v1/logs?limit=2&endpoint=/v1/status" + (cursor is null ? "" : $"&cursor={cursor}"))).AssertOk().Data;
            Assert.True(page.GetProperty("items").GetArrayLength() <= 2);
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("next_cursor").ValueKind == JsonValueKind.String ? page.GetProperty("next_cursor").GetString() : null;
        } while (cursor is not null);
        var ids = seen.Select(e => e.GetProperty("request_id").GetString()!).ToArray();
        Assert.Equal(6, ids.Distinct().Count()); // five here, one when the test started
        Assert.Equal(ids.OrderByDescending(i => i, StringComparer.Ordinal), ids);
        var first = seen[0];
        Assert.Equal(("GET", 200, "history-test/1.0"), (first.GetProperty("method").GetString(), first.GetProperty("status").GetInt32(),
            first.GetProperty("user_agent").GetString()));
        Assert.Matches("^[0-9a-f]{64}$", first.GetProperty("ip_hash").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("key_prefix").GetString()));

        var missing = (await TestApp.GetAsync(client, "/v1/logs?status=404&bse_code=bse3001")).AssertOk().Data.GetProperty("items");
        Assert.Equal("BSE3001", Assert.Single(missing.EnumerateArray()).GetProperty("bse_code").GetString());
        var admin = (await TestApp.GetAsync(_app.Admin, $"/admin/v1/accounts/{_account}/logs?q=content")).AssertOk().Data.GetProperty("items");
        Assert.Single(admin.EnumerateArray());

        (await TestApp.GetAsync(client, "/v1/logs?limit=0")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "limit");
        (await TestApp.GetAsync(client, "/v1/logs?limit=501")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "limit");
        (await TestApp.GetAsync(client, "/v1/logs?cursor=garbage")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "cursor");
        (await TestApp.GetAsync(client, "/v1/logs?status=abc")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "status");
    }

    [Fact]
    public async Task AFilterFewRowsMatch_StopsAtItsWalkLimit_WithACursorToWalkOnFrom()
    {
        var store = _app.Service<IRequestLogStore>();
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        // Thirty requests of another account; only the oldest was a POST, and a 404.
        var entries = Enumerable.Range(0, 30).Select(i => new RequestLogEntry(BabySea.Appliance.Api.RequestIds.New(t0.AddSeconds(i)), "acc_walk", null,
            i == 0 ? "POST" : "GET", "GET /v1/status", i == 0 ? 404 : 200, null, t0.AddSeconds(i), 1, false)).ToArray();
        await store.AppendAsync(entries, CancellationToken.None);
        var posts = new RequestLogFilter(Method: "POST");

        var first = (await store.PageAsync("acc_walk", posts, null, 10, walkLimit: 20, ct: CancellationToken.None));
        Assert.Empty(first.Matches);
        Assert.Equal(entries[10].RequestId, first.StoppedAt);
        var rest = (await store.PageAsync("acc_walk", posts, first.StoppedAt, 10, walkLimit: 20, ct: CancellationToken.None));
        Assert.Equal(entries[0].RequestId, Assert.Single(rest.Matches).RequestId);
        Assert.Null(rest.StoppedAt);
        Assert.Equal(10, (await store.PageAsync("acc_walk", new RequestLogFilter(), null, 10, walkLimit: 10, ct: CancellationToken.None)).Matches.Count);
        // A status has an index of its own: the walk meets only 404s, however many other rows lie between.
        Assert.Equal(entries[0].RequestId, Assert.Single((await store.PageAsync("acc_walk", new RequestLogFilter(Status: 404), null, 10, walkLimit: 1, ct: CancellationToken.None)).Matches).RequestId);
    }

    [Fact]
    public async Task Ledger_PagesNewestFirst_AndSumsToTheBalance()
    {
        for (var i = 1; i <= 4; i++)
            (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{_account}/credits", new JsonObject { ["amount"] = i, ["description"] = $"order:{i}" })).AssertOk();
        var page = (await TestApp.GetAsync(_app.Client, "/v1/credits/ledger?limit=2")).AssertOk().Data;
        Assert.Equal(["order:4", "order:3"], page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("description").GetString()));
        var next = (await TestApp.GetAsync(_app.Client, $"/v1/credits/ledger?limit=2&cursor={page.GetProperty("next_cursor").GetString()}")).AssertOk().Data;
        Assert.Equal(["order:2", "order:1"], next.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("description").GetString()));

        var (balance, entries) = await TestApp.LedgerAsync(_app.Admin, _account);
        Assert.Equal(21m, balance);
        Assert.Equal(balance, entries.Sum(e => e.GetProperty("delta").GetDecimal()));
        Assert.Equal(6, entries.Length);
        (await TestApp.GetAsync(_app.Client, "/v1/credits/ledger?cursor=req_x")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "cursor");
        (await TestApp.GetAsync(_app.Admin, "/admin/v1/accounts/nope/ledger")).AssertError(HttpStatusCode.NotFound, "BSE1008");
    }

    [Fact]
    public void Percentiles_ComeFromMergedBuckets_WithinOneBucketWidth()
    {
        var h = Histogram.Milliseconds;
        var counts = new Dictionary<int, long>();
        for (var ms = 1; ms <= 1000; ms++) counts[h.Bucket(ms)] = counts.GetValueOrDefault(h.Bucket(ms)) + 1;
        Assert.InRange(h.Percentile(counts, 0.50), 500, 500 * 1.26);
        Assert.InRange(h.Percentile(counts, 0.99), 990, 990 * 1.26);
        Assert.Equal(0, h.Percentile(new Dictionary<int, long>(), 0.5));
    }

    private async Task<JsonElement> RunAsync(string model, string prompt, string? order)
    {
        var body = new JsonObject { ["generation_prompt"] = prompt };
        if (order is not null) body["generation_provider_order"] = order;
        var id = (await _app.GenerateAsync(model, body)).AssertOk().Data.GetProperty("generation_id").GetString()!;
        return await _app.WaitForTerminalAsync(id);
    }
}

public sealed class RollupUpgradeTests
{
    [Fact]
    [Trait("Engine", "LiteDb")]
    public async Task ADatabaseWrittenBeforeRollups_GetsThemOnOpen_AndTheyEqualARecount()
    {
        var dir = TestApp.NewDataDir();
        await using (var app = await TestApp.StartAsync(dir))
        {
            var id = await app.CreateGenerationAsync("seal", extraJson: "\"generation_provider_order\":\"replicate\"");
            await app.WaitForTerminalAsync(id);
            await TestApp.GetAsync(app.Client, "/v1/status");
        }
        using (var lite = BabySea.Appliance.Storage.LiteDb.LiteStore.Open(dir))
            lite.Db.DropCollection("rollups");

        await using (var app = await TestApp.StartAsync(dir))
        {
            var day = (await TestApp.GetAsync(app.Client, "/v1/analytics")).AssertOk().Data;
            Assert.Equal(1, day.GetProperty("generations").GetProperty("succeeded").GetInt32());
            Assert.True(day.GetProperty("requests").GetProperty("total").GetInt32() >= 2);
            Assert.Equal(1, (await TestApp.GetAsync(app.Client, "/v1/content/list")).AssertOk().Body.GetProperty("total").GetInt32());
        }
        var stdout = new StringWriter();
        Assert.Equal(0, await BabySea.Appliance.Cli.CommandLine.RunAsync(["verify", "--recount", $"--BABYSEA_DATA_DIR={dir}"], stdout, new StringWriter()));
        Directory.Delete(dir, recursive: true);
    }
}

/// <summary>The LiteDB data folder's own backup and compaction (a PostgreSQL database is backed up with pg_dump).</summary>
[Trait("Engine", "LiteDb")]
public sealed class BackupTests
{
    [Fact]
    public async Task ABackupTakenWhileServing_StartsAndPassesVerify_AndCompactKeepsEverything()
    {
        var copy = TestApp.NewDataDir();
        await using (var app = await TestApp.StartAsync())
        {
            var id = await app.CreateGenerationAsync("seal", extraJson: "\"generation_provider_order\":\"replicate\"");
            await app.WaitForTerminalAsync(id);
            (await TestApp.PostAsync(app.Admin, "/admin/v1/backup", new System.Text.Json.Nodes.JsonObject { ["to"] = "relative" }))
                .AssertError(HttpStatusCode.BadRequest, "BSE2001", "to");
            var done = (await TestApp.PostAsync(app.Admin, "/admin/v1/backup", new System.Text.Json.Nodes.JsonObject { ["to"] = copy })).AssertOk().Data;
            Assert.True(done.GetProperty("documents").GetInt64() > 0);
        }
        var stdout = new StringWriter();
        Assert.Equal(0, await BabySea.Appliance.Cli.CommandLine.RunAsync(["verify", "--recount", $"--BABYSEA_DATA_DIR={copy}"], stdout, new StringWriter()));
        Assert.Equal(0, await BabySea.Appliance.Cli.CommandLine.RunAsync(["compact", $"--BABYSEA_DATA_DIR={copy}"], new StringWriter(), new StringWriter()));
        await using (var restored = await TestApp.StartAsync(copy))
        {
            var list = (await TestApp.GetAsync(restored.Client, "/v1/content/list")).AssertOk();
            Assert.Equal(1, list.Body.GetProperty("total").GetInt32());
            var url = list.Data.GetProperty("generations")[0].GetProperty("generation_output_file")[0].GetString()!;
            using var anonymous = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
        }
        Assert.Equal(0, await BabySea.Appliance.Cli.CommandLine.RunAsync(["verify", "--recount", $"--BABYSEA_DATA_DIR={copy}"], new StringWriter(), new StringWriter()));
        Directory.Delete(copy, recursive: true);
    }
}
