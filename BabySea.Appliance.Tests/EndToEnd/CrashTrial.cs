using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>What one trial did and every rule it saw broken.</summary>
/// <param name="Settled">From the last restart until every generation was terminal.</param>
/// <param name="Announced">From the last restart until every terminal event was acknowledged by the receiver.</param>
public sealed record CrashTrialResult(int Seed, int QueueCapacity, int Sent, int Accepted, int Generations, int Kills, int WebhooksReceived, TimeSpan Elapsed,
    TimeSpan Settled, TimeSpan Announced, IReadOnlyList<string> Violations, string DataDir)
{
    public bool Passed => Violations.Count == 0;

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture,
            $"seed {Seed}: queue {QueueCapacity}, sent {Sent}, accepted {Accepted}, generations {Generations}, kills {Kills}, webhooks received {WebhooksReceived}, " +
            $"settled {Settled.TotalSeconds:0.0} s and announced {Announced.TotalSeconds:0.0} s after the restart, " +
            $"{Elapsed.TotalSeconds:0.0} s, {(Passed ? "ok" : $"{Violations.Count} violations (data kept in {DataDir})")}");
}

/// <summary>
/// One crash trial against the published binary on a fresh data folder: mixed load, <c>kill -9</c> at a random moment
/// (sometimes again while it recovers), restart on the same folder and port, then the checks a user would make:
/// every accepted generation is there and finished within its deadline, the restarted appliance still serves new
/// work, money adds up exactly (through the API and the binary's <c>verify</c> verb), every finished output can be
/// downloaded, and every terminal event reached the webhook receiver once (deduplicated on its delivery id).
/// Everything random comes from the seed, so a failing trial runs again with the same choices.
/// </summary>
public static class CrashTrial
{
    // Short budgets keep a trial to seconds; the sweep is what ends a generation whose budget ran out while the
    // process was dead, and the slack absorbs two busy cores and the polling step.
    private static readonly TimeSpan ImageDeadline = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan VideoDeadline = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WebhookPatience = TimeSpan.FromSeconds(20);
    private const int SmallQueue = 4;

    private static readonly IReadOnlyDictionary<string, string> BaseSettings = new Dictionary<string, string>
    {
        ["Webhooks__AllowedPrivateHosts__0"] = "127.0.0.1",
        ["Routing__SubmitTimeout"] = "00:00:02.500",
        // The shipped configuration gives the slow synchronous providers minutes; a trial cannot wait that long.
        ["Routing__Providers__openai__SubmitTimeout"] = "00:00:02.500",
        ["Routing__Providers__byteplus__SubmitTimeout"] = "00:00:02.500",
        ["Routing__Providers__alibabacloud__SubmitTimeout"] = "00:00:02.500",
        ["Routing__ImageResultDeadline"] = "00:00:02.500",
        ["Routing__VideoResultDeadline"] = "00:00:03",
        ["Routing__DownloadTimeout"] = "00:00:02",
        ["Routing__ImageGenerationDeadline"] = ImageDeadline.ToString("c", CultureInfo.InvariantCulture),
        ["Routing__VideoGenerationDeadline"] = VideoDeadline.ToString("c", CultureInfo.InvariantCulture),
        ["Routing__MinPollInterval"] = "00:00:00.100",
        ["Routing__MaxPollInterval"] = "00:00:00.500",
        // Rehearsed faults open circuits; a short break lets a provider back in within the trial.
        ["Routing__CircuitBreakDuration"] = "00:00:02",
        ["Generations__SweepInterval"] = SweepInterval.ToString("c", CultureInfo.InvariantCulture),
        ["Emulator__ImageLatencyMs"] = "150",
        ["Emulator__VideoLatencyMs"] = "600",
        ["Emulator__ImageLongEdge"] = "64",
        ["Emulator__VideoLongEdge"] = "64",
    };

    public static async Task<CrashTrialResult> RunAsync(int seed)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(seed);
        var dataDir = TestApp.NewDataDir();
        var port = TestApp.FreePort();
        // A quarter of the trials run with a queue smaller than what a crash can leave unfinished, so recovery has
        // to make room as it goes instead of assuming the queue holds everything.
        var queueCapacity = random.NextDouble() < 0.25 ? SmallQueue : 10_000;
        var settings = new Dictionary<string, string>(BaseSettings) { ["Generations__QueueCapacity"] = queueCapacity.ToString(CultureInfo.InvariantCulture) };
        var violations = new List<string>();
        var kills = 0;
        var generations = new List<Snapshot>();
        TimeSpan settled = default, announced = default;
        await using var receiver = await FlakyWebhookReceiver.StartAsync(seed, failureRate: 0.2, slowRate: 0.03);
        var load = new CrashLoad(seed);
        NativeBinary? app = null;
        HttpClient? admin = null;

        // Each process gets fresh connections, so no request of the test rides a socket of a killed process.
        async Task StartAsync()
        {
            app = await NativeBinary.StartAsync(dataDir, port, settings);
            load.Client?.Dispose();
            admin?.Dispose();
            load.Client = NewClient(port, TestApp.ApiKey);
            admin = NewClient(port, TestApp.AdminTokenValue);
        }

        async Task KillAsync()
        {
            app!.Kill();
            await app.DisposeAsync();
            app = null;
            kills++;
        }

        try
        {
            await StartAsync();
            var account = await PrepareAccountAsync(load.Client, admin!, receiver.Url);

            // The kill lands anywhere from early in the load to well after it stopped (while the queue drains).
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(800, 2500)));
            var running = load.RunAsync(clients: 2, stop.Token);
            await Task.Delay(random.Next(300, 3000));
            await KillAsync();
            stop.Cancel();
            await running;

            if (random.NextDouble() < 0.3)
            {
                // A second crash while the first one's unfinished generations are being recovered.
                await StartAsync();
                await Task.Delay(random.Next(100, 1500));
                await KillAsync();
            }

            await StartAsync();
            var restartedAt = DateTimeOffset.UtcNow;
            var sinceRestart = Stopwatch.StartNew();
            await load.RetryOwedAsync(TimeSpan.FromSeconds(10));
            var probe = await CreateProbeAsync(load, violations);

            generations = await WaitForTerminalAsync(load.Client, restartedAt, violations);
            settled = sinceRestart.Elapsed;
            CheckGenerations(generations, load, probe, violations);
            await CheckLedgerAsync(admin!, account, generations, violations);
            await CheckOutputsAsync(generations, violations);
            await CheckWebhooksAsync(receiver, generations, violations);
            announced = sinceRestart.Elapsed;
        }
        catch (Exception e)
        {
            violations.Add($"the trial stopped on {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (app is not null) await app.DisposeAsync(); // SIGTERM: verify needs the folder to itself
            load.Client?.Dispose();
            admin?.Dispose();
        }
        await VerifyAsync(dataDir, generations.Count, violations);
        violations.AddRange(load.Violations);

        if (violations.Count == 0) Directory.Delete(dataDir, recursive: true);
        return new CrashTrialResult(seed, queueCapacity, load.Sent, load.Accepted.Count, generations.Count, kills, receiver.Seen.Count, watch.Elapsed,
            settled, announced, violations, dataDir);
    }

    private static HttpClient NewClient(int port, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Credit for the whole load, and the flaky receiver subscribed to the default events.</summary>
    private static async Task<string> PrepareAccountAsync(HttpClient client, HttpClient admin, string webhookUrl)
    {
        var account = (await TestApp.GetAsync(client, "/v1/status")).AssertOk().Data.GetProperty("account_id").GetString()!;
        (await TestApp.PostRawAsync(admin, $"/admin/v1/accounts/{account}/credits", "{\"amount\":100}")).AssertOk();
        (await TestApp.PostRawAsync(admin, $"/admin/v1/accounts/{account}/webhooks", $"{{\"url\":\"{webhookUrl}\"}}")).AssertOk();
        return account;
    }

    /// <summary>A refusal a busy appliance may give is retried, as a client would, for as long as an image may take.</summary>
    private static async Task<string?> CreateProbeAsync(CrashLoad load, List<string> violations)
    {
        var probe = load.Probe();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var r = await load.SendAsync(probe);
            if (r.Status == HttpStatusCode.OK) return r.Data.GetProperty("generation_id").GetString();
            if (r.Status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || waited.Elapsed > ImageDeadline)
            {
                violations.Add($"after the restart a new create still answered {(int)r.Status} after {waited.Elapsed.TotalSeconds:0.0} s of retries: {r.Text}");
                return null;
            }
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Polls the account's generations until all are terminal. One still open past its deadline (or, if that passed
    /// while the process was dead, past the restart) plus a sweep is stuck: a user would wait on it forever.
    /// </summary>
    private static async Task<List<Snapshot>> WaitForTerminalAsync(HttpClient client, DateTimeOffset restartedAt, List<string> violations)
    {
        while (true)
        {
            var all = await ListAsync(client);
            var open = all.Where(g => !g.IsTerminal).ToArray();
            if (open.Length == 0) return all;
            var now = DateTimeOffset.UtcNow;
            var stuck = open.Where(g => now > Max(g.CreatedAt + (g.IsVideo ? VideoDeadline : ImageDeadline), restartedAt) + SweepInterval + Slack).ToArray();
            if (stuck.Length > 0)
            {
                violations.AddRange(stuck.Select(g => $"generation {g.Id} ({g.Prompt}) is still {g.Status} past its deadline; attempts: {g.Attempts}"));
                return all;
            }
            await Task.Delay(250);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static void CheckGenerations(List<Snapshot> generations, CrashLoad load, string? probe, List<string> violations)
    {
        var byId = generations.ToDictionary(g => g.Id, StringComparer.Ordinal);
        foreach (var (id, request) in load.Accepted)
        {
            if (!byId.TryGetValue(id, out var g)) violations.Add($"accepted generation {id} (create #{request.Serial}) is gone after the restart");
            else if (g.Prompt != request.Prompt) violations.Add($"generation {id} has prompt '{g.Prompt}', its create sent '{request.Prompt}'");
        }
        // Each request was sent once, or re-sent with its Idempotency-Key: more than one generation per prompt is a double create.
        foreach (var twice in generations.GroupBy(g => g.Prompt).Where(p => p.Count() > 1))
            violations.Add($"prompt '{twice.Key}' made {twice.Count()} generations: {string.Join(", ", twice.Select(g => g.Id))}");
        foreach (var id in load.CanceledByOwner.Keys.Where(byId.ContainsKey).Where(id => byId[id].Status != "canceled"))
            violations.Add($"generation {id} was answered 'canceled' but ended {byId[id].Status}");
        if (probe is not null && byId.TryGetValue(probe, out var p) && p.Status != "succeeded")
            violations.Add($"the restarted appliance did not serve a plain new generation: {p.Status} {p.Error}; attempts: {p.Attempts}");

        foreach (var g in generations)
        {
            // A provider's output is paid for: it must end as this generation's result, once.
            var used = g.UsedProviders;
            if (used.Length > 1)
                violations.Add($"generation {g.Id} used outputs of {used.Length} provider jobs ({string.Join(", ", used)}); attempts: {g.Attempts}");
            if (used.Length > 0 && g.Status == "failed")
                violations.Add($"generation {g.Id} failed although {used[0]} delivered its output: {g.Error}; attempts: {g.Attempts}");
            if (g.Status == "succeeded" && (used.Length != 1 || used[0] != g.ProviderUsed))
                violations.Add($"generation {g.Id} succeeded on {g.ProviderUsed} but its used attempts are [{string.Join(", ", used)}]");
        }
    }

    /// <summary>DESIGN §3 from the owner's side: the ledger adds up and the account paid exactly for what succeeded.</summary>
    private static async Task CheckLedgerAsync(HttpClient admin, string account, List<Snapshot> generations, List<string> violations)
    {
        var (balance, ledger) = await TestApp.LedgerAsync(admin, account);
        var entries = ledger
            .Select(e => (Type: e.GetProperty("type").GetString()!, Amount: e.GetProperty("amount").GetDecimal(), Delta: e.GetProperty("delta").GetDecimal(),
                Generation: e.TryGetProperty("generation_id", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null))
            .ToArray();
        if (balance != entries.Sum(e => e.Delta)) violations.Add($"balance {balance} but the ledger sums to {entries.Sum(e => e.Delta)}");
        var paid = entries.Where(e => e.Type == "add").Sum(e => e.Delta) - generations.Where(g => g.Status == "succeeded").Sum(g => g.Cost);
        if (balance != paid) violations.Add($"balance {balance}, but credits granted less the cost of succeeded generations is {paid}");

        var movements = entries.Where(e => e.Generation is not null).ToLookup(e => e.Generation!, StringComparer.Ordinal);
        foreach (var g in generations)
        {
            // Compared as a set: the ledger lists by ObjectId (second, then process id), so across a restart within the
            // same second a new process's charge can be listed before the old process's reserve.
            var types = movements[g.Id].Select(e => e.Type).Order(StringComparer.Ordinal).ToArray();
            string[] expected = g.Status switch { "succeeded" => ["charge", "reserve"], _ => ["refund", "reserve"] };
            if (!types.SequenceEqual(expected))
                violations.Add($"generation {g.Id} ({g.Status}) has ledger movements [{string.Join(", ", types)}], expected [{string.Join(", ", expected)}]");
            if (movements[g.Id].Any(e => e.Amount != g.Cost))
                violations.Add($"generation {g.Id}: a ledger movement differs from its cost {g.Cost}");
        }
        foreach (var orphan in movements.Select(m => m.Key).Where(id => generations.All(g => g.Id != id)))
            violations.Add($"ledger movements for generation {orphan}, which the account does not have");
    }

    /// <summary>A succeeded generation whose file link does not serve decodable media lost its output.</summary>
    private static async Task CheckOutputsAsync(List<Snapshot> generations, List<string> violations)
    {
        using var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var g in generations.Where(g => g.Status == "succeeded"))
        {
            if (g.OutputUrl is null)
            {
                violations.Add($"succeeded generation {g.Id} has no output link");
                continue;
            }
            using var r = await anonymous.GetAsync(g.OutputUrl);
            var bytes = await r.Content.ReadAsByteArrayAsync();
            if (r.StatusCode != HttpStatusCode.OK || MediaSniffer.Detect(bytes) is null)
                violations.Add($"output of succeeded generation {g.Id} answered {(int)r.StatusCode} with {bytes.Length} bytes that are not media");
        }
    }

    /// <summary>
    /// Every terminal generation announced once: exactly one delivery id for its terminal event, naming its final state,
    /// acknowledged by the receiver at least once (repeats of that id are the at-least-once re-sends it dedupes).
    /// </summary>
    private static async Task CheckWebhooksAsync(FlakyWebhookReceiver receiver, List<Snapshot> generations, List<string> violations)
    {
        static string EventFor(string status) => status switch { "succeeded" => "generation.completed", "failed" => "generation.failed", _ => "generation.canceled" };
        bool Acknowledged(Snapshot g) => receiver.Seen.Any(w => w.GenerationId == g.Id && w.Event == EventFor(g.Status) && w.Acknowledged);

        var giveUp = DateTime.UtcNow + WebhookPatience;
        while (generations.Any(g => !Acknowledged(g)) && DateTime.UtcNow < giveUp) await Task.Delay(250);
        foreach (var g in generations.Where(g => !Acknowledged(g)))
            violations.Add($"no acknowledged {EventFor(g.Status)} for generation {g.Id} within {WebhookPatience.TotalSeconds:0} s");

        var terminalEvents = receiver.Seen.Where(w => w.Event is "generation.completed" or "generation.failed" or "generation.canceled").ToArray();
        foreach (var g in generations)
        {
            var deliveries = terminalEvents.Where(w => w.GenerationId == g.Id).Select(w => (w.DeliveryId, w.Event)).Distinct().ToArray();
            if (deliveries.Length > 1)
                violations.Add($"generation {g.Id} ({g.Status}) was announced by {deliveries.Length} terminal deliveries: " +
                               string.Join(", ", deliveries.Select(d => $"{d.Event} {d.DeliveryId}")));
        }
        var known = generations.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var stray in terminalEvents.Where(w => w.GenerationId is null || !known.Contains(w.GenerationId)).Select(w => w.GenerationId).Distinct())
            violations.Add($"a terminal event was delivered for generation {stray}, which the account does not have");
    }

    /// <summary>The binary's own money check on the stopped folder.</summary>
    private static async Task VerifyAsync(string dataDir, int generations, List<string> violations)
    {
        var (code, output) = await NativeBinary.RunVerbAsync(dataDir, "verify");
        try
        {
            var report = JsonDocument.Parse(output).RootElement;
            if (code != 0 || !report.GetProperty("ok").GetBoolean()) violations.Add($"verify exited {code}: {output}");
            else if (report.GetProperty("generations_checked").GetInt32() != generations)
                violations.Add($"verify checked {report.GetProperty("generations_checked").GetInt32()} generations, the API listed {generations}");
        }
        catch (JsonException)
        {
            violations.Add($"verify exited {code} without a JSON report: {output}");
        }
    }

    private static async Task<List<Snapshot>> ListAsync(HttpClient client)
    {
        var all = new List<Snapshot>();
        for (var offset = 0; ; offset += 100)
        {
            var page = (await TestApp.GetAsync(client, $"/v1/content/list?limit=100&offset={offset}")).AssertOk();
            all.AddRange(page.Data.GetProperty("generations").EnumerateArray().Select(Snapshot.From));
            if (all.Count >= page.Body.GetProperty("total").GetInt32()) return all;
        }
    }

    /// <summary>The fields of a listed generation the checks read.</summary>
    private sealed record Snapshot(string Id, string Status, string Prompt, bool IsVideo, DateTimeOffset CreatedAt, decimal Cost, string? ProviderUsed,
        string[] UsedProviders, string? OutputUrl, string? Error, string Attempts)
    {
        public bool IsTerminal => Status is "succeeded" or "failed" or "canceled";

        public static Snapshot From(JsonElement g)
        {
            string? Text(string name) => g.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var attempts = g.GetProperty("generation_attempts");
            return new Snapshot(
                Text("generation_id")!,
                Text("generation_status")!,
                Text("generation_prompt")!,
                g.TryGetProperty("generation_duration", out var d) && d.ValueKind == JsonValueKind.Number,
                DateTimeOffset.Parse(Text("generation_created_at")!, CultureInfo.InvariantCulture),
                g.GetProperty("generation_cost").GetDecimal(),
                Text("generation_provider_used"),
                attempts.EnumerateArray().Where(a => a.GetProperty("outcome").GetString() == "used").Select(a => a.GetProperty("provider").GetString()!).ToArray(),
                g.TryGetProperty("generation_output_file", out var files) && files.ValueKind == JsonValueKind.Array && files.GetArrayLength() > 0
                    ? files[0].GetString() : null,
                Text("generation_error"),
                string.Join("; ", attempts.EnumerateArray().Select(a =>
                    $"{a.GetProperty("provider").GetString()} {a.GetProperty("outcome").GetString()} {(a.TryGetProperty("error_code", out var c) ? c.ToString() : "")}")));
        }
    }
}
