using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Webhooks;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>
/// Several native appliance processes on one PostgreSQL database, each with its own data folder and one shared artifacts
/// folder, as behind a load balancer: what one machine guarantees must hold across them.
/// </summary>
[Collection("native")]
[Trait("Category", "Cluster")]
public sealed class ClusterTests : IAsyncLifetime
{
    private readonly string _artifacts = TestApp.NewDataDir();
    private readonly List<NativeBinary> _nodes = [];
    private string _database = "";

    public Task InitializeAsync()
    {
        _database = PostgresServer.NewDatabase();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        foreach (var node in _nodes.Where(n => Directory.Exists(n.DataDir))) Directory.Delete(node.DataDir, recursive: true);
        if (Directory.Exists(_artifacts)) Directory.Delete(_artifacts, recursive: true);
    }

    [Fact]
    public async Task NodesStartingTogether_BootstrapOnce_AndAnyNodeServesAnotherNodesOutputLink()
    {
        var (a, b, c) = await StartThreeAsync();
        foreach (var node in new[] { a, b, c })
            Assert.Single((await TestApp.GetAsync(node.Admin, "/admin/v1/accounts")).AssertOk().Data.GetProperty("accounts").EnumerateArray());

        var id = await CreateAsync(a, "a lighthouse at dusk");
        var done = await WaitTerminalAsync(b, id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        // Signed by one node with the shared key, the file read from the shared folder by another.
        var link = done.GetProperty("generation_output_file")[0].GetString()!;
        foreach (var node in new[] { a, c })
        {
            using var response = await node.Client.GetAsync(new Uri(link).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task ABurstAcrossNodes_AdmitsExactlyWhatTheBalanceAllows_AndTheInFlightCapHoldsAcrossNodes()
    {
        var (a, b, c) = await StartThreeAsync();
        var nodes = new[] { a, b, c };

        // Balance: 1.000 welcome credits on Enterprise (cap 50 images) at 0.040 each admits exactly 25.
        var (rich, richKey) = await NewAccountAsync(a, "enterprise");
        var burst = await BurstAsync(nodes, richKey, "bfl/flux-1.1-pro", 60);
        var admitted = burst.Count(r => r.Status == HttpStatusCode.OK);
        Assert.Equal(25, admitted);
        Assert.All(burst.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("BSE1004", r.ErrorCode));
        var balance = (await TestApp.GetAsync(b.Admin, $"/admin/v1/accounts/{rich}/ledger?limit=1")).AssertOk().Data.GetProperty("balance").GetDecimal();
        Assert.Equal(0.000m, balance);

        // Cap: Free runs 2 images at once, whichever node took them.
        var (_, poorKey) = await NewAccountAsync(a, "free");
        var capped = await BurstAsync(nodes, poorKey, "bfl/flux-schnell", 12);
        Assert.Equal(2, capped.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(capped.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("BSE1009", r.ErrorCode));
    }

    [Fact]
    public async Task ANodeKilledMidFlight_ItsGenerationsFinishOnAnother_OnceAndChargedOnce_WithTheirWebhooks_AndVerifyPasses()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(seed: 7, failureRate: 0, slowRate: 0);
        // A provider job outlives the node that submitted it only at a provider every node reaches: here the shared
        // emulator process, as a staging cluster runs it (a node's built-in emulator dies with the node).
        var emulatorPort = TestApp.FreePort();
        await using var emulator = await NativeBinary.StartEmulatorAsync(emulatorPort);
        var (a, b, _) = await StartThreeAsync(new() { ["Providers__replicate__BaseUrl"] = $"http://127.0.0.1:{emulatorPort}/emulator/replicate/v1" });
        var account = (await TestApp.GetAsync(a.Client, "/v1/status")).AssertOk().Data.GetProperty("account_id").GetString()!;
        (await TestApp.PostRawAsync(a.Admin, $"/admin/v1/accounts/{account}/credits", "{\"amount\":100}")).AssertOk();
        (await TestApp.PostRawAsync(a.Admin, $"/admin/v1/accounts/{account}/webhooks", $"{{\"url\":\"{receiver.Url}\"}}")).AssertOk();

        var ids = new List<string>();
        for (var i = 0; i < 12; i++) ids.Add(await CreateAsync(a, $"[[emulate latency:4000]] harbour {i}"));
        // Every job submitted by node a (its provider job id stored), then a dies without a word.
        foreach (var id in ids) await WaitForAsync(a, id, s => s == "processing", TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        a.Kill();

        var finished = new List<JsonElement>();
        foreach (var id in ids) finished.Add(await WaitTerminalAsync(b, id, TimeSpan.FromSeconds(90)));
        Assert.All(finished, g =>
        {
            Assert.Equal("succeeded", g.GetProperty("generation_status").GetString());
            // Resumed by its stored job id on the other node: still one provider job, never a second submission.
            Assert.Single(g.GetProperty("generation_attempts").EnumerateArray());
        });

        var (_, entries) = await TestApp.LedgerAsync(b.Admin, account);
        foreach (var id in ids)
        {
            var moves = entries.Where(e => e.GetProperty("generation_id").ValueKind == JsonValueKind.String && e.GetProperty("generation_id").GetString() == id)
                .Select(e => e.GetProperty("type").GetString()!).ToArray();
            Assert.Equal(new[] { "reserve", "charge" }, moves);
        }

        await Eventually.TrueAsync(() => ids.All(id => receiver.Seen.Any(s => s.Acknowledged && s.GenerationId == id && s.Event == "generation.completed")),
            "every completed generation reached the receiver");

        var (code, report) = await NativeBinary.RunVerbAsync(b.DataDir, Settings(), "verify");
        Assert.True(code == 0, report);
    }

    [Fact]
    public async Task ANodeStoppingCleanly_HandsItsRunsToAnotherAtOnce_NotAtItsNextLook()
    {
        var emulatorPort = TestApp.FreePort();
        await using var emulator = await NativeBinary.StartEmulatorAsync(emulatorPort);
        // Leases of a minute: the others' regular look for work comes every 20 s, so only the word of the stop is fast.
        var (a, b, _) = await StartThreeAsync(new()
        {
            ["Providers__replicate__BaseUrl"] = $"http://127.0.0.1:{emulatorPort}/emulator/replicate/v1",
            ["Generations__LeaseDuration"] = "00:01:00",
        });
        var ids = new List<string>();
        for (var i = 0; i < 6; i++) ids.Add(await CreateAsync(a, $"[[emulate latency:3000]] tern {i}"));
        foreach (var id in ids) await WaitForAsync(a, id, s => s == "processing", TimeSpan.FromSeconds(30));

        var stopped = System.Diagnostics.Stopwatch.StartNew();
        _nodes.Remove(a);
        await a.DisposeAsync(); // SIGTERM: runs are interrupted (no drain here), their leases given back, the others told
        Directory.Delete(a.DataDir, recursive: true);
        foreach (var id in ids)
        {
            var done = await WaitTerminalAsync(b, id, TimeSpan.FromSeconds(15));
            Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
            Assert.Single(done.GetProperty("generation_attempts").EnumerateArray());
        }
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(15), $"taken up after {stopped.Elapsed}");
    }

    private async Task<(NativeBinary, NativeBinary, NativeBinary)> StartThreeAsync(Dictionary<string, string>? extra = null)
    {
        var settings = Settings();
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        var started = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => NativeBinary.StartAsync(TestApp.NewDataDir(), TestApp.FreePort(), settings)));
        _nodes.AddRange(started);
        return (started[0], started[1], started[2]);
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["Storage__Engine"] = "postgres",
        ["Storage__ConnectionString"] = _database,
        ["Storage__ArtifactsPath"] = _artifacts,
        ["Generations__LeaseDuration"] = "00:00:03",
        ["Webhooks__AllowedPrivateHosts__0"] = "127.0.0.1",
        ["Routing__MinPollInterval"] = "00:00:00.100",
        ["Routing__MaxPollInterval"] = "00:00:00.500",
        ["Emulator__ImageLongEdge"] = "64",
        // Renewals would add a month's credits in the middle of a balance test.
        ["Billing__RenewalSchedule"] = "0 0 1 1 *",
    };

    private static async Task<(string Account, string Key)> NewAccountAsync(NativeBinary node, string plan)
    {
        var account = (await TestApp.PostRawAsync(node.Admin, "/admin/v1/accounts", $"{{\"name\":\"burst {plan}\",\"plan\":\"{plan}\"}}")).AssertOk()
            .Data.GetProperty("account_id").GetString()!;
        var key = (await TestApp.PostRawAsync(node.Admin, $"/admin/v1/accounts/{account}/keys", "{\"preset\":\"full_access\"}")).AssertOk()
            .Data.GetProperty("api_key").GetString()!;
        return (account, key);
    }

    /// <summary>Creates sent all at once, spread over the nodes; slow jobs, so none ends (or refunds) during the burst.</summary>
    private static async Task<ApiResponse[]> BurstAsync(NativeBinary[] nodes, string key, string model, int count)
    {
        var clients = nodes.Select(n => new HttpClient { BaseAddress = new Uri(n.BaseUrl), DefaultRequestHeaders = { Authorization = new("Bearer", key) } }).ToArray();
        try
        {
            return await Task.WhenAll(Enumerable.Range(0, count).Select(i => TestApp.PostRawAsync(clients[i % clients.Length],
                $"/v1/generate/image/{model}", $"{{\"generation_prompt\":\"[[emulate latency:20000]] burst {i.ToString(CultureInfo.InvariantCulture)}\"}}")));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static async Task<string> CreateAsync(NativeBinary node, string prompt)
        => (await TestApp.PostRawAsync(node.Client, "/v1/generate/image/bfl/flux-schnell",
            new JsonObject { ["generation_prompt"] = prompt, ["generation_provider_order"] = "replicate" }.ToJsonString())).AssertOk()
            .Data.GetProperty("generation_id").GetString()!;

    private static Task<JsonElement> WaitTerminalAsync(NativeBinary node, string id, TimeSpan? timeout = null)
        => WaitForAsync(node, id, s => s is "succeeded" or "failed" or "canceled", timeout ?? TimeSpan.FromSeconds(30));

    private static async Task<JsonElement> WaitForAsync(NativeBinary node, string id, Func<string, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = (await TestApp.GetAsync(node.Client, $"/v1/content/{id}")).AssertOk();
            var status = r.Data.GetProperty("generation_status").GetString()!;
            if (until(status)) return r.Data;
            Assert.True(DateTime.UtcNow < deadline, $"Generation {id} still {status}: {r.Text}");
            await Task.Delay(100);
        }
    }
}
