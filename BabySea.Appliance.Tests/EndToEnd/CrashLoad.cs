using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>
/// One create a client sends. The prompt is unique per request, so the stored generations can be matched to the
/// requests that made them even when the answer was lost to the kill.
/// </summary>
public sealed record CreateRequest(int Serial, string Route, string Model, string Prompt, string Body, string? IdempotencyKey,
    int? CancelAfterMs, bool ReplayAtOnce)
{
    public bool IsVideo => Route == "video";
}

/// <summary>
/// The mixed load of a crash trial: a few clients creating images and videos on every provider, with emulator faults
/// in their prompts (failing, slow and hanging providers, late moderation, bad outputs), cancels, and
/// <c>Idempotency-Key</c> retries. It records what the caller was promised: every create answered 200, every cancel
/// answered 200, and every keyed create whose answer is still owed after the crash.
/// </summary>
public sealed class CrashLoad(int seed)
{
    private static readonly (string Model, string[] Providers)[] ImageModels =
    [
        ("bfl/flux-schnell", ["replicate", "fal", "cloudflare"]),
        ("bfl/flux-1.1-pro", ["bfl", "replicate", "fal"]),
        ("bytedance/seedream-4", ["byteplus", "replicate", "fal"]),
        ("qwen/image", ["alibabacloud", "replicate", "fal"]),
        ("openai/gpt-image-1.5", ["openai", "replicate", "fal"]),
        ("runway/gen4-image-turbo", ["runway", "replicate"]),
    ];

    private static readonly (string Model, string[] Providers, int Duration, string? Resolution)[] VideoModels =
    [
        ("bytedance/seedance-1-pro-fast", ["byteplus", "replicate", "fal"], 4, "480p"),
        ("runway/gen4.5", ["runway", "replicate"], 5, null),
        ("kling/v1.5-pro", ["replicate", "fal"], 5, null),
    ];

    private readonly ConcurrentQueue<Task> _cancels = new();
    private int _serial;

    /// <summary>Generation id → the request a 200 answered for it.</summary>
    public ConcurrentDictionary<string, CreateRequest> Accepted { get; } = new(StringComparer.Ordinal);

    /// <summary>Generations whose owner was told "canceled": they must stay canceled.</summary>
    public ConcurrentDictionary<string, bool> CanceledByOwner { get; } = new(StringComparer.Ordinal);

    /// <summary>Keyed creates whose answer the crash cut off (id unknown) or whose replay it cut off (id known).</summary>
    public ConcurrentDictionary<int, (CreateRequest Request, string? KnownId)> OwedRetries { get; } = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    public int Sent => _serial;

    /// <summary>The caller's client of the process now running: each process gets fresh connections.</summary>
    public HttpClient Client { get; set; } = null!;

    /// <summary>Runs <paramref name="clients"/> clients until <paramref name="stop"/> fires or their server goes away.</summary>
    public async Task RunAsync(int clients, CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(new Random(seed * 31 + c), stop))));
        await Task.WhenAll(_cancels);
    }

    /// <summary>After the restart: sends each owed keyed create again until it is answered, as a client retrying would.</summary>
    public async Task RetryOwedAsync(TimeSpan patience)
    {
        foreach (var (request, knownId) in OwedRetries.Values.OrderBy(v => v.Request.Serial))
        {
            var giveUp = DateTime.UtcNow + patience;
            while (true)
            {
                var r = await SendAsync(request);
                if (r.Status == HttpStatusCode.OK)
                {
                    Record(request, r, knownId);
                    break;
                }
                var code = ErrorCode(r);
                if (code is not ("BSE2016" or "BSE1009" or "BSE1005" or "BSE5003"))
                {
                    Violations.Enqueue($"retry of keyed create #{request.Serial} after the restart answered {(int)r.Status} {code}: {r.Text}");
                    break;
                }
                if (DateTime.UtcNow > giveUp)
                {
                    // BSE2016 here means the key is still claimed by a request that died with the old process.
                    Violations.Enqueue($"retry of keyed create #{request.Serial} (key {request.IdempotencyKey}) still answers {code} " +
                                       $"{patience.TotalSeconds:0} s after the restart: {r.Text}");
                    break;
                }
                await Task.Delay(250);
            }
        }
        OwedRetries.Clear();
    }

    /// <summary>A plain image on a healthy provider: whatever the crash did, the restarted appliance must serve it.</summary>
    public CreateRequest Probe()
    {
        var serial = Interlocked.Increment(ref _serial);
        var prompt = $"crash {seed} probe #{serial}";
        return new CreateRequest(serial, "image", "bfl/flux-schnell", prompt, Body(prompt, null), null, null, false);
    }

    public async Task<ApiResponse> SendAsync(CreateRequest request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/v1/generate/{request.Route}/{request.Model}")
        {
            Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
        };
        if (request.IdempotencyKey is { } key) message.Headers.Add("Idempotency-Key", key);
        return await ApiResponse.ReadAsync(await Client.SendAsync(message));
    }

    private async Task ClientAsync(Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var request = Next(random);
            ApiResponse r;
            try
            {
                r = await SendAsync(request);
            }
            catch (Exception e) when (IsConnectionLost(e))
            {
                if (request.IdempotencyKey is not null) OwedRetries[request.Serial] = (request, null);
                return; // the process is gone
            }
            if (r.Status == HttpStatusCode.OK)
            {
                var id = Record(request, r, null);
                if (request.ReplayAtOnce && !await ReplayAsync(request, id)) return;
                if (request.CancelAfterMs is { } after) _cancels.Enqueue(CancelAsync(id, after));
            }
            // Refusals a busy appliance may give (caps, rate, full queue); anything else is a defect.
            else if (ErrorCode(r) is not ("BSE1009" or "BSE1005" or "BSE5003"))
                Violations.Enqueue($"create #{request.Serial} answered {(int)r.Status}: {r.Text}");
            await Task.Delay(random.Next(40, 120), CancellationToken.None);
        }
    }

    /// <summary>A client that did not trust its first answer sends the same key and body again: the same generation must come back.</summary>
    private async Task<bool> ReplayAsync(CreateRequest request, string id)
    {
        try
        {
            var again = await SendAsync(request);
            if (again.Status == HttpStatusCode.OK) Record(request, again, id);
            else Violations.Enqueue($"replay of keyed create #{request.Serial} answered {(int)again.Status}: {again.Text}");
            return true;
        }
        catch (Exception e) when (IsConnectionLost(e))
        {
            OwedRetries[request.Serial] = (request, id);
            return false;
        }
    }

    private async Task CancelAsync(string id, int afterMs)
    {
        await Task.Delay(afterMs);
        try
        {
            var r = await ApiResponse.ReadAsync(await Client.PostAsync($"/v1/content/generation/cancel/{id}", null));
            if (r.Status == HttpStatusCode.OK) CanceledByOwner[id] = true;
            else if (ErrorCode(r) != "BSE3002") Violations.Enqueue($"cancel of {id} answered {(int)r.Status}: {r.Text}");
        }
        catch (Exception e) when (IsConnectionLost(e))
        {
        }
    }

    /// <summary>Records a 200 create answer; a keyed answer must name the generation an earlier answer named.</summary>
    private string Record(CreateRequest request, ApiResponse r, string? expectedId)
    {
        var id = r.Data.GetProperty("generation_id").GetString()!;
        if (expectedId is not null && id != expectedId)
            Violations.Enqueue($"keyed create #{request.Serial} answered generation {id} after first answering {expectedId}");
        if (expectedId is not null && r.Header("Idempotency-Replayed") != "true")
            Violations.Enqueue($"keyed create #{request.Serial} was answered again without Idempotency-Replayed: true");
        Accepted[id] = request;
        return id;
    }

    private CreateRequest Next(Random random)
    {
        var serial = Interlocked.Increment(ref _serial);
        var video = random.NextDouble() < 0.3;
        string route, model, body, prompt;
        string[] providers;
        if (video)
        {
            var (m, p, duration, resolution) = VideoModels[random.Next(VideoModels.Length)];
            (route, model, providers) = ("video", m, p);
            prompt = $"crash {seed} #{serial} {Fault(random, providers)}".TrimEnd();
            body = Body(prompt, Order(random, providers), duration, resolution);
        }
        else
        {
            var (m, p) = ImageModels[random.Next(ImageModels.Length)];
            (route, model, providers) = ("image", m, p);
            prompt = $"crash {seed} #{serial} {Fault(random, providers)}".TrimEnd();
            body = Body(prompt, Order(random, providers));
        }
        var keyed = random.NextDouble() < 0.3;
        return new CreateRequest(serial, route, model, prompt, body, keyed ? $"crash-{seed}-{serial}" : null,
            random.NextDouble() < 0.15 ? random.Next(0, 800) : null, keyed && random.NextDouble() < 0.5);
    }

    /// <summary>An emulator directive (README): most requests are healthy, the rest rehearse one misbehaviour.</summary>
    private static string Fault(Random random, string[] providers)
    {
        var provider = providers[random.Next(providers.Length)];
        var draw = random.NextDouble();
        return draw switch
        {
            < 0.55 => "",
            < 0.67 => $"[[emulate latency:{random.Next(300, 1500)}]]",
            < 0.77 => $"[[emulate {provider}:server_error]]",
            < 0.82 => $"[[emulate {provider}:rate_limit]]",
            < 0.86 => $"[[emulate {provider}:never_finish]]",
            < 0.90 => "[[emulate moderation_late]]",
            < 0.94 => "[[emulate server_error]]",
            < 0.97 => $"[[emulate {provider}:corrupt_output]]",
            _ => $"[[emulate {provider}:expired_output]]",
        };
    }

    /// <summary>Half the requests let the appliance rank providers (<c>fastest</c>); the rest name a shuffled order.</summary>
    private static string? Order(Random random, string[] providers)
        => random.NextDouble() < 0.5 ? null : string.Join(",", providers.OrderBy(_ => random.Next()));

    private static string Body(string prompt, string? order, int? duration = null, string? resolution = null)
    {
        var fields = new List<string> { $"\"generation_prompt\":{JsonSerializer.Serialize(prompt, TestJson.Default.String)}" };
        if (order is not null) fields.Add($"\"generation_provider_order\":\"{order}\"");
        if (duration is not null) fields.Add($"\"generation_duration\":{duration}");
        if (resolution is not null) fields.Add($"\"generation_resolution\":\"{resolution}\"");
        return "{" + string.Join(",", fields) + "}";
    }

    private static string? ErrorCode(ApiResponse r)
        => r.Body.ValueKind == JsonValueKind.Object && r.Body.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null;

    /// <summary>What a client sees when the process on the other end was killed.</summary>
    public static bool IsConnectionLost(Exception e) => e is HttpRequestException or IOException;
}
