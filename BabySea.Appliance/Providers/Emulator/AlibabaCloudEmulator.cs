using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.AlibabaCloud;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// DashScope's native API (providers.md §6) served by the appliance: synchronous Qwen-Image
/// <c>multimodal-generation</c>, Wan video and text-to-image tasks behind <c>X-DashScope-Async: enable</c>, task
/// polling and PENDING-only cancel, <c>{request_id, code, message}</c> errors, and every fault of
/// <see cref="FaultKinds"/> answered the way DashScope answers it.
/// </summary>
public sealed class AlibabaCloudEmulator(EmulatorContext context) : IProviderEmulator
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    // DashScope stamps tasks in Beijing time, without an offset.
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _canceled = new(StringComparer.Ordinal);

    public string Provider => AlibabaCloudAdapter.ProviderId;

    public void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/emulator/alibabacloud/api/v1");
        api.MapPost("/" + AlibabaCloudAdapter.MultimodalPath, (HttpContext http, CancellationToken ct) => GenerateAsync(http, ct));
        api.MapPost("/" + AlibabaCloudAdapter.VideoPath, (HttpContext http, CancellationToken ct) => CreateTaskAsync(http, video: true, ct));
        api.MapPost("/" + AlibabaCloudAdapter.TextToImagePath, (HttpContext http, CancellationToken ct) => CreateTaskAsync(http, video: false, ct));
        api.MapGet("/tasks/{taskId}", (HttpContext http, string taskId) => GetTask(http, taskId));
        api.MapPost("/tasks/{taskId}/cancel", (HttpContext http, string taskId) => Cancel(http, taskId));
    }

    /// <summary>Qwen-Image: the call is held for the whole generation and answers with the image URLs.</summary>
    private async Task<IResult> GenerateAsync(HttpContext http, CancellationToken ct)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        var body = await ReadAsync(http, ct);
        if (Text(body?["model"]) is not { } model) return Error(400, "BadRequest.EmptyModel", "Required parameter \"model\" missing from request.");
        var prompt = ((((body!["input"] as JsonObject)?["messages"] as JsonArray)?.FirstOrDefault() as JsonObject)?["content"] as JsonArray)?
            .Select(item => Text((item as JsonObject)?["text"])).OfType<string>().FirstOrDefault();
        if (prompt is null) return Error(400, "InvalidParameter", "Field required: input.messages[0].content[].text");
        var parameters = body["parameters"] as JsonObject;

        var directive = context.Faults.Choose(Provider, prompt);
        if (Refusal(directive) is { } refusal) return refusal;
        var now = context.Time.GetUtcNow();
        var size = Text(parameters?["size"]);
        var job = EmulatedJob.Create(Provider, model, directive, now, false, Ratio(size) ?? "1:1", "png", Number(parameters?["n"]) ?? 1, null,
            context.Options.Value);
        if (!await context.HoldUntilReadyAsync(job, ct)) return Results.Empty; // the caller went away; nobody reads this answer
        // Output inspection runs after generation, so a synchronous call learns of it only at the end.
        if (job.Kind == FaultKinds.ModerationLate) return Error(400, "DataInspectionFailed", "Output data may contain inappropriate content.");

        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var content = new JsonArray(Enumerable.Range(0, job.Count)
            .Select(i => (JsonNode)new JsonObject { ["image"] = EmulatorFiles.Url(origin, job, i) }).ToArray());
        var usage = new JsonObject { ["image_count"] = job.Count };
        if (size?.Split('*') is [var w, var h] && int.TryParse(w, CultureInfo.InvariantCulture, out var width) && int.TryParse(h, CultureInfo.InvariantCulture, out var height))
        {
            usage["width"] = width;
            usage["height"] = height;
        }
        return Json(200, new JsonObject
        {
            ["request_id"] = RequestId(),
            ["output"] = new JsonObject
            {
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["finish_reason"] = "stop",
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                }),
            },
            ["usage"] = usage,
        });
    }

    /// <summary>Wan video and text-to-image: a task, created only when the caller asks for asynchronous mode.</summary>
    private async Task<IResult> CreateTaskAsync(HttpContext http, bool video, CancellationToken ct)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        if (!string.Equals(http.Request.Headers[AlibabaCloudAdapter.AsyncHeader].ToString(), "enable", StringComparison.OrdinalIgnoreCase))
            return Error(403, "AccessDenied", "current user api does not support synchronous calls");
        var body = await ReadAsync(http, ct);
        if (Text(body?["model"]) is not { } model) return Error(400, "BadRequest.EmptyModel", "Required parameter \"model\" missing from request.");
        if (body!["input"] is not JsonObject input) return Error(400, "BadRequest.EmptyInput", "Required input parameter missing from request.");
        var prompt = Text(input["prompt"]);
        var frame = input.ContainsKey("img_url") || input.ContainsKey("first_frame_url") || input.ContainsKey("media");
        if (prompt is null && !(video && frame)) return Error(400, "InvalidParameter", "Field required: input.prompt");
        var parameters = body["parameters"] as JsonObject;

        var directive = context.Faults.Choose(Provider, prompt);
        if (Refusal(directive) is { } refusal) return refusal;
        var ratio = Ratio(Text(parameters?["size"])) ?? (video ? "16:9" : "1:1");
        var job = EmulatedJob.Create(Provider, model, directive, context.Time.GetUtcNow(), video, ratio, "png",
            video ? 1 : Number(parameters?["n"]) ?? 1, Number(parameters?["duration"]), context.Options.Value);
        return Json(200, new JsonObject
        {
            ["request_id"] = RequestId(),
            ["output"] = new JsonObject { ["task_id"] = job.Token, ["task_status"] = "PENDING" },
        });
    }

    private IResult GetTask(HttpContext http, string taskId)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        var output = new JsonObject { ["task_id"] = taskId };
        var body = new JsonObject { ["request_id"] = RequestId(), ["output"] = output };
        if (!EmulatedJob.TryDecode(taskId, context.Options.Value, out var job) || job.Provider != Provider)
        {
            output["task_status"] = "UNKNOWN";
            return Json(200, body);
        }
        var now = context.Time.GetUtcNow();
        var canceledAt = _canceled.TryGetValue(taskId, out var c) ? c : (DateTimeOffset?)null;
        var state = job.StateAt(now, canceledAt is not null);
        output["task_status"] = state switch
        {
            EmulatedState.Queued => "PENDING",
            EmulatedState.Running => "RUNNING",
            EmulatedState.Succeeded => "SUCCEEDED",
            EmulatedState.Canceled => "CANCELED",
            _ => "FAILED",
        };
        output["submit_time"] = Stamp(job.CreatedAt);
        if (state is not (EmulatedState.Queued or EmulatedState.Canceled)) output["scheduled_time"] = Stamp(job.CreatedAt.AddMilliseconds(20));
        if (state is EmulatedState.Succeeded or EmulatedState.Moderated or EmulatedState.Canceled) output["end_time"] = Stamp(canceledAt ?? job.ReadyAt);
        switch (state)
        {
            case EmulatedState.Succeeded:
                var origin = $"{http.Request.Scheme}://{http.Request.Host}";
                if (job.Video)
                {
                    output["video_url"] = EmulatorFiles.Url(origin, job, 0);
                    body["usage"] = new JsonObject { ["duration"] = job.Seconds, ["video_count"] = 1, ["SR"] = 720 };
                }
                else
                {
                    output["results"] = new JsonArray(Enumerable.Range(0, job.Count)
                        .Select(i => (JsonNode)new JsonObject { ["url"] = EmulatorFiles.Url(origin, job, i) }).ToArray());
                    output["task_metrics"] = new JsonObject { ["TOTAL"] = job.Count, ["SUCCEEDED"] = job.Count, ["FAILED"] = 0 };
                    body["usage"] = new JsonObject { ["image_count"] = job.Count };
                }
                break;
            case EmulatedState.Moderated:
                output["code"] = "DataInspectionFailed";
                output["message"] = "Output data may contain inappropriate content.";
                break;
        }
        return Json(200, body);
    }

    private IResult Cancel(HttpContext http, string taskId)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        var now = context.Time.GetUtcNow();
        Prune(now);
        if (EmulatedJob.TryDecode(taskId, context.Options.Value, out var job) && job.Provider == Provider
            && job.StateAt(now, _canceled.ContainsKey(taskId)) == EmulatedState.Queued)
        {
            _canceled.TryAdd(taskId, now);
            return Json(200, new JsonObject { ["request_id"] = RequestId() });
        }
        return Error(400, "UnsupportedOperation", "Failed to cancel the task, please confirm if the task is in PENDING status.");
    }

    /// <summary>The faults DashScope answers at submit, before any work starts, in its own codes.</summary>
    private IResult? Refusal(EmulationDirective directive) => directive.Kind switch
    {
        FaultKinds.BadKey => Error(401, "InvalidApiKey", "Invalid API-key provided."),
        FaultKinds.NoCredits => Error(400, "Arrearage", "Access denied, please make sure your account is in good standing."),
        // DashScope has no "paused" state. The nearest real one is a spent free tier on an account set to "use free
        // tier only": the key is fine and credit is not the issue, but the operator's own switch holds every call.
        FaultKinds.Paused => Error(403, "AllocationQuota.FreeTierOnly",
            "The free tier of the model has been exhausted. If you wish to continue access the model on a paid basis, please disable the \"use free tier only\" mode in the management console."),
        // DashScope sends no Retry-After; its throttles lift within about a minute.
        FaultKinds.RateLimit => Error(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later."),
        FaultKinds.ServerError => Error(500, "InternalError", "An internal error has occured, please try again later or contact service support."),
        FaultKinds.Capacity => Error(503, "ServiceUnavailable", "Service temporarily unavailable, possibly overloaded or not ready."),
        FaultKinds.Moderation => Error(400, "DataInspectionFailed", "Input data may contain inappropriate content."),
        FaultKinds.InvalidInput => Error(400, "InvalidParameter", "The size is not match the allowed size of this model."),
        FaultKinds.MalformedJson => Results.Text("<html><body><h1>502 Bad Gateway</h1></body></html>", "application/json", Encoding.UTF8, 200),
        _ => null,
    };

    private static async Task<JsonObject?> ReadAsync(HttpContext http, CancellationToken ct)
    {
        try { return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private IResult? Unauthenticated(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.Ordinal) && auth.Length > 7
            ? null
            : Error(401, "InvalidApiKey", "No API-key provided.");
    }

    /// <summary>A DashScope <c>W*H</c> size as the <c>W:H</c> ratio the emulated media is drawn at.</summary>
    private static string? Ratio(string? size)
        => size?.Split('*') is [var w, var h] && int.TryParse(w, CultureInfo.InvariantCulture, out var width) && width > 0
            && int.TryParse(h, CultureInfo.InvariantCulture, out var height) && height > 0 ? $"{width}:{height}" : null;

    private static int? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? (int)d : null;

    private string RequestId() => Guid.CreateVersion7(context.Time.GetUtcNow()).ToString();

    private static string Stamp(DateTimeOffset t) => t.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private IResult Error(int status, string code, string message)
        => Json(status, new JsonObject { ["request_id"] = RequestId(), ["code"] = code, ["message"] = message });

    private static IResult Json(int status, JsonObject body) => Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, at) in _canceled)
            if (now - at > Retention) _canceled.TryRemove(id, out _);
    }
}
