using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Tests.Support;
using CsCheck;
using Xunit.Abstractions;

namespace BabySea.Appliance.Tests.Api.Fuzz;

/// <summary>
/// The standing fuzz run: at least 10,000 generated malformed requests per run against the real appliance on
/// Kestrel. No answer may be a 5xx, every 4xx is the BSE error envelope with the status its code has in the table,
/// and afterwards the process still serves and generates, and the ledger invariants hold. A failure prints the
/// request and CsCheck's seed; <c>BABYSEA_FUZZ_SEED=&lt;seed&gt;</c> replays that run.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed partial class MalformedRequestFuzzTests(ITestOutputHelper output)
{
    /// <summary>Per run; <c>BABYSEA_FUZZ_REQUESTS</c> raises it for a longer soak.</summary>
    private static readonly int Requests = int.TryParse(Environment.GetEnvironmentVariable("BABYSEA_FUZZ_REQUESTS"), out var n) && n > 10_000 ? n : 10_000;
    private const int Parallel = 8;

    [Fact]
    public async Task MalformedRequests_NeverA5xx_AlwaysTheEnvelope_ThenStillHealthy_AndTheLedgerIntact()
    {
        await using var app = await TestApp.StartAsync(null, 0,
            "Appliance:TrustedProxies=127.0.0.1",
            "RateLimits:AuthFailuresPerMinute=100000", // one test client: a lockout would hide every route behind BSE1006
            "Webhooks:AllowedPrivateHosts:0=127.0.0.1",
            "Emulator:ImageLongEdge=48", "Emulator:VideoLongEdge=32", "Emulator:ImageLatencyMs=20", "Emulator:VideoLatencyMs=50");
        var world = await WorldAsync(app);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = Parallel * 2 })
        {
            BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromSeconds(30),
        };

        var violations = new ConcurrentQueue<string>();
        var answers = new ConcurrentDictionary<string, int>();
        var sent = 0;
        var watch = Stopwatch.StartNew();
        var failure = await Record.ExceptionAsync(() => FuzzRequests.Any(world).SampleAsync(async request =>
        {
            var (answer, problem) = await SendAsync(client, request);
            Interlocked.Increment(ref sent);
            answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
            if (problem is null) return;
            violations.Enqueue($"{problem}\n    {request.Describe()}");
            throw new Xunit.Sdk.XunitException(problem);
        }, iter: Requests, threads: Parallel, seed: Environment.GetEnvironmentVariable("BABYSEA_FUZZ_SEED"), print: r => r.Describe()));
        watch.Stop();

        output.WriteLine($"{sent} requests in {watch.Elapsed.TotalSeconds:0.0} s ({sent / watch.Elapsed.TotalSeconds:0} per second), {violations.Count} violations");
        foreach (var (answer, count) in answers.OrderByDescending(a => a.Value)) output.WriteLine($"  {count,6}  {answer}");
        Assert.True(violations.IsEmpty,
            $"{violations.Count} of {sent} requests broke the contract; the first:\n{string.Join("\n", violations.Take(15))}\n{failure?.Message}");
        Assert.Null(failure);
        Assert.True(sent >= Requests, $"only {sent} requests were sent");

        await AssertStillServesAsync(app);
        var report = await app.Service<LedgerVerifier>().RunAsync(CancellationToken.None);
        Assert.True(report.Ok, string.Join("\n", report.Violations));
        await Invariants.CheckAsync(app);
    }

    /// <summary>Sends the request byte for byte; returns the answer's label for the tally and a contract violation, if any.</summary>
    private static async Task<(string Answer, string? Problem)> SendAsync(HttpClient client, FuzzRequest r)
    {
        // Paths go out as generated (no dot-segment folding or re-escaping), so traversal and encoded junk reach the server.
        var uri = new Uri(client.BaseAddress!.GetLeftPart(UriPartial.Authority) + r.Path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var message = new HttpRequestMessage(new HttpMethod(r.Method), uri);
        // HEAD and TRACE may not carry a body (the client refuses to send one).
        if (r.Body is not null && r.Method is not ("HEAD" or "TRACE")) message.Content = new ByteArrayContent(r.Body);
        foreach (var (name, value) in r.Headers)
        {
            if (name == "Content-Type")
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
                continue;
            }
            message.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await client.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var label = $"{status} {Code(text) ?? ""}".Trim();
        if (status >= 500) return (label, $"answered {status}: {Truncate(text)}");
        if (RefusedByKestrel(status, text, response)) return ($"{status} from Kestrel (malformed HTTP)", null);
        if (text.Contains("   at ", StringComparison.Ordinal) && text.Contains("Exception", StringComparison.Ordinal))
            return (label, $"a stack trace in the answer: {Truncate(text)}");
        if (status >= 400 && r.Method != "HEAD" && EnvelopeProblem(status, text, response) is { } problem) return (label, problem);
        return (label, null);
    }

    /// <summary>
    /// Kestrel itself refuses a request whose target is not valid HTTP (an encoded NUL in the path, a request line
    /// over its limit) before any application code runs: a bare 400/414/431 without the request id the appliance
    /// puts on everything it answers. No middleware can reach those, so they are told apart, not enveloped.
    /// </summary>
    private static bool RefusedByKestrel(int status, string text, HttpResponseMessage response)
        => status is 400 or 414 or 431 && text.Length == 0 && !response.Headers.Contains("X-Request-Id");

    private static string? EnvelopeProblem(int status, string text, HttpResponseMessage response)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return $"{status} without the error envelope: '{Truncate(text)}'";
        }
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("status", out var s) || s.GetString() != "error"
            || !root.TryGetProperty("request_id", out var id) || id.GetString() is not { } requestId || !requestId.StartsWith("req_", StringComparison.Ordinal)
            || !root.TryGetProperty("timestamp", out var ts) || ts.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("code", out var code) || !BseCode().IsMatch(code.GetString() ?? "")
            || !error.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || !error.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String
            || !error.TryGetProperty("retryable", out var retryable) || retryable.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return $"{status} with a malformed envelope: {Truncate(text)}";
        if (!BseCatalog.TryParse(code.GetString(), out var bse) || BseCatalog.For(bse).Status != status)
            return $"{status} answered with {code.GetString()}, whose status in the BSE table differs";
        if (!response.Headers.TryGetValues("X-Request-Id", out var header) || header.Single() != requestId)
            return $"{status} whose X-Request-Id differs from the envelope's request_id";
        return null;
    }

    private static string? Code(string text)
    {
        var match = CodeInText().Match(text);
        return match.Success ? match.Value : null;
    }

    private static string Truncate(string text) => text.Length > 400 ? text[..400] + "..." : text;

    [GeneratedRegex("^BSE[0-9]{4}$")]
    private static partial Regex BseCode();

    [GeneratedRegex("BSE[0-9]{4}")]
    private static partial Regex CodeInText();

    /// <summary>Real identifiers to aim at: funded accounts on their own rate limits, a stored output with its signed link, a webhook.</summary>
    private static async Task<FuzzWorld> WorldAsync(TestApp app)
    {
        var keys = new List<string> { TestApp.ApiKey };
        var accounts = new List<string> { (await TestApp.GetAsync(app.Client, "/v1/status")).AssertOk().Data.GetProperty("account_id").GetString()! };
        for (var i = 0; i < 9; i++) // ten accounts of 1,200 requests a minute each: the fuzz is not all BSE1005
        {
            var (account, key) = await NewAccountAsync(app, $"fuzz {i}");
            accounts.Add(account);
            keys.Add(key);
        }
        var generation = await app.CreateGenerationAsync("a harbour seal on pack ice"); // the fuzz may cancel or delete this one
        // The output link belongs to an account whose key the fuzz never holds, so no request can delete it.
        var (_, keeper) = await NewAccountAsync(app, "file keeper");
        var kept = (await TestApp.PostRawAsync(app.NewClient(keeper), "/v1/generate/image/bfl/flux-schnell", "{\"generation_prompt\":\"a kept seal\"}"))
            .AssertOk().Data.GetProperty("generation_id").GetString()!;
        var done = await app.WaitForAsync(kept, s => s is "succeeded" or "failed" or "canceled", client: app.NewClient(keeper));
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        var link = done.GetProperty("generation_output_file")[0].GetString()!;
        var webhookId = (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{accounts[0]}/webhooks", new JsonObject { ["url"] = "http://127.0.0.1:9/hook" }))
            .AssertOk().Data.GetProperty("webhook").GetProperty("webhook_id").GetString()!;
        var catalog = (await TestApp.GetAsync(app.Client, "/v1/library/models")).AssertOk().Data.GetProperty("models").EnumerateArray().ToArray();
        string[] Models(string type) => catalog.Where(m => m.GetProperty("model_type").GetString() == type)
            .Select(m => m.GetProperty("model_identifier").GetString()!).ToArray();
        return new FuzzWorld(keys, TestApp.AdminTokenValue, accounts, generation, link, webhookId, Models("image"), Models("video"));
    }

    private static async Task<(string Account, string Key)> NewAccountAsync(TestApp app, string name)
    {
        var account = (await TestApp.PostAsync(app.Admin, "/admin/v1/accounts", new JsonObject { ["name"] = name, ["plan"] = "enterprise" }))
            .AssertOk().Data.GetProperty("account_id").GetString()!;
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 50 })).AssertOk();
        var key = (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/keys", new JsonObject()))
            .AssertOk().Data.GetProperty("api_key").GetString()!;
        return (account, key);
    }

    /// <summary>After the storm: the process answers, authenticates and takes a generation through to success.</summary>
    private static async Task AssertStillServesAsync(TestApp app)
    {
        using var plain = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("/healthz")).StatusCode);
        var (_, key) = await NewAccountAsync(app, "after the fuzz");
        var client = app.NewClient(key);
        (await TestApp.GetAsync(client, "/v1/status")).AssertOk();
        var created = (await TestApp.PostRawAsync(client, "/v1/generate/image/bfl/flux-schnell", "{\"generation_prompt\":\"a seal after the storm\"}")).AssertOk();
        var done = await app.WaitForAsync(created.Data.GetProperty("generation_id").GetString()!, s => s is "succeeded" or "failed" or "canceled",
            TimeSpan.FromSeconds(60), client);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
    }
}
