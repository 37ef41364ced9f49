using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.BytePlus;
using BabySea.Appliance.Providers.Emulator.Media;
using Codes = BabySea.Appliance.Providers.BytePlus.BytePlusWire.Codes;
using Status = BabySea.Appliance.Providers.BytePlus.BytePlusWire.Status;
using BabySea.Appliance.Providers;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// BytePlus ModelArk (providers.md §7) served by the appliance: Seedream's synchronous images call, which holds
/// the request while the images are made, and Seedance's task API, with ModelArk's error bodies and every fault
/// of <see cref="FaultKinds"/> answered the way ModelArk answers it.
/// </summary>
public sealed class BytePlusEmulator(EmulatorContext context) : IProviderEmulator
{
    private const string TaskPrefix = "cgt-";
    /// <summary>ModelArk removes a cancelled task's record after 24 h.</summary>
    private static readonly TimeSpan CancelledRetention = TimeSpan.FromHours(24);
    /// <summary>How long the emulator answers for any task; ModelArk keeps records for a bounded time too.</summary>
    private static readonly TimeSpan TaskRetention = TimeSpan.FromDays(7);
    private static readonly TimeSpan ExecutionExpiresAfter = TimeSpan.FromSeconds(172800);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _cancelled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deleted = new(StringComparer.Ordinal);

    public string Provider => BytePlusAdapter.ProviderId;

    public void Map(IEndpointRouteBuilder app)
    {
        var v3 = app.MapGroup("/emulator/byteplus/api/v3");
        v3.MapPost("/images/generations", (HttpContext http, CancellationToken ct) => GenerateImagesAsync(http, ct));
        v3.MapPost("/contents/generations/tasks", (HttpContext http, CancellationToken ct) => CreateTaskAsync(http, ct));
        v3.MapGet("/contents/generations/tasks/{id}", GetTask);
        v3.MapDelete("/contents/generations/tasks/{id}", DeleteTask);
    }

    private async Task<IResult> GenerateImagesAsync(HttpContext http, CancellationToken ct)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        var body = await ReadAsync(http, ct);
        if (ProviderJson.Text(body?["prompt"]) is not { Length: > 0 } prompt) return Error(http, 400, Codes.MissingParameter, "prompt", "The request failed because it is missing one or multiple required parameters.");
        var directive = context.Faults.Choose(Provider, prompt);
        if (Refusal(http, directive.Kind, "size") is { } refused) return refused;

        // Seedream 4.x always answers JPEG; later versions take output_format.
        var format = ProviderJson.Text(body!["output_format"]) ?? "jpeg";
        if (format is not ("jpeg" or "png")) return Error(http, 400, Codes.InvalidParameter, "output_format", "The parameter `output_format` specified in the request is not valid.");
        // Group mode ("auto") may answer up to max_images related images; the emulator always makes that many.
        var count = ProviderJson.Text(body["sequential_image_generation"]) == "auto"
            ? (int)(ProviderJson.Number((body["sequential_image_generation_options"] as JsonObject)?["max_images"]) ?? 15)
            : 1;
        var now = context.Time.GetUtcNow();
        var job = EmulatedJob.Create(Provider, ProviderJson.Text(body["model"]) ?? "unknown", directive, now, false,
            RatioOrNull(ProviderJson.Text(body["size"])) ?? "1:1", format, count, null, context.Options.Value);

        // The call answers only when the images exist: every kind that takes time holds it, never_finish for good.
        if (!await context.HoldUntilReadyAsync(job, ct)) return Results.Empty; // the client went away; nobody reads this answer
        if (job.Kind == FaultKinds.ModerationLate)
            return Error(http, 400, Codes.OutputImageSensitive, "", "The request failed because the output image may contain sensitive information.");

        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var inline = ProviderJson.Text(body["response_format"]) == "b64_json";
        var (w, h) = EmulatedMedia.SizeForRatio(job.Ratio, context.Options.Value.ImageLongEdge);
        var data = new JsonArray();
        // An inline answer cannot carry an expired link: expired_output answers no image at all.
        for (var i = 0; i < job.Count && !(inline && job.Kind == FaultKinds.ExpiredOutput); i++)
            data.Add((JsonNode)new JsonObject
            {
                [inline ? "b64_json" : "url"] = inline ? Convert.ToBase64String(context.Files.Render(job, i).Bytes) : EmulatorFiles.Url(origin, job, i),
                ["size"] = $"{w}x{h}",
            });
        return Json(200, new JsonObject
        {
            ["model"] = job.Model,
            ["created"] = now.ToUnixTimeSeconds(),
            ["data"] = data,
            ["usage"] = new JsonObject { ["generated_images"] = data.Count, ["output_tokens"] = w * h / 256 * data.Count, ["total_tokens"] = w * h / 256 * data.Count },
        });
    }

    private async Task<IResult> CreateTaskAsync(HttpContext http, CancellationToken ct)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        var body = await ReadAsync(http, ct);
        if (ProviderJson.Text(body?["model"]) is not { Length: > 0 } model) return Error(http, 400, Codes.MissingParameter, "model", "The request failed because it is missing one or multiple required parameters.");
        if (body!["content"] is not JsonArray { Count: > 0 } content) return Error(http, 400, Codes.MissingParameter, "content", "The request failed because it is missing one or multiple required parameters.");
        var prompt = content.OfType<JsonObject>().Where(i => ProviderJson.Text(i["type"]) == "text").Select(i => ProviderJson.Text(i["text"])).FirstOrDefault();
        var directive = context.Faults.Choose(Provider, prompt);
        if (Refusal(http, directive.Kind, "ratio") is { } refused) return refused;

        var now = context.Time.GetUtcNow();
        Prune(now);
        // "adaptive" follows the first frame's shape; the emulator has no image to look at, so it renders 16:9.
        var job = EmulatedJob.Create(Provider, model, directive, now, true, RatioOrNull(ProviderJson.Text(body["ratio"])) ?? "16:9", "mp4", 1,
            ProviderJson.Number(body["duration"]), context.Options.Value);
        return Json(200, new JsonObject { ["id"] = TaskPrefix + job.Token });
    }

    private IResult GetTask(HttpContext http, string id)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        if (!TryFind(id, out var job)) return NotFound(http, id);

        var now = context.Time.GetUtcNow();
        var cancelledAt = _cancelled.TryGetValue(id, out var c) ? c : (DateTimeOffset?)null;
        var state = job.StateAt(now, cancelledAt is not null);
        var status = state switch
        {
            EmulatedState.Queued => Status.Queued,
            EmulatedState.Running => now - job.CreatedAt > ExecutionExpiresAfter ? Status.Expired : Status.Running,
            EmulatedState.Succeeded => Status.Succeeded,
            EmulatedState.Canceled => Status.Cancelled,
            _ => Status.Failed,
        };
        var updated = status switch
        {
            Status.Queued or Status.Running => now,
            Status.Expired => job.CreatedAt + ExecutionExpiresAfter,
            Status.Cancelled => cancelledAt!.Value,
            _ => job.ReadyAt,
        };
        var task = new JsonObject
        {
            ["id"] = id,
            ["model"] = job.Model,
            ["status"] = status,
            ["error"] = status == Status.Failed
                ? new JsonObject { ["code"] = Codes.OutputVideoSensitive, ["message"] = "The request failed because the output video may contain sensitive information." }
                : null,
            ["created_at"] = job.CreatedAt.ToUnixTimeSeconds(),
            ["updated_at"] = updated.ToUnixTimeSeconds(),
            ["ratio"] = job.Ratio,
            ["service_tier"] = "default",
            ["execution_expires_after"] = (int)ExecutionExpiresAfter.TotalSeconds,
        };
        if (status == Status.Succeeded)
        {
            var origin = $"{http.Request.Scheme}://{http.Request.Host}";
            task["content"] = new JsonObject { ["video_url"] = EmulatorFiles.Url(origin, job, 0) };
            task["duration"] = job.Seconds;
            task["framespersecond"] = EmulatedMedia.VideoFps;
            var tokens = (int)(job.Seconds * EmulatedMedia.VideoFps * 1280 * 720 / 1024);
            task["usage"] = new JsonObject { ["completion_tokens"] = tokens, ["total_tokens"] = tokens };
        }
        else if (status is Status.Failed or Status.Cancelled or Status.Expired) task["content"] = null;
        return Json(200, task);
    }

    /// <summary>Cancels a queued task and deletes the record of a finished one; a running task cannot be stopped.</summary>
    private IResult DeleteTask(HttpContext http, string id)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        if (!TryFind(id, out var job)) return NotFound(http, id);
        var now = context.Time.GetUtcNow();
        var state = job.StateAt(now, _cancelled.ContainsKey(id));
        if (state == EmulatedState.Running && now - job.CreatedAt <= ExecutionExpiresAfter)
            // The exact code ModelArk uses here is not documented (providers.md §11.7); it is a 400 parameter error.
            return Error(http, 400, Codes.InvalidParameter, "id", $"The task {id} is running and cannot be cancelled.");
        if (state == EmulatedState.Queued) _cancelled.TryAdd(id, now);
        else _deleted.TryAdd(id, now);
        return Json(200, new JsonObject());
    }

    /// <summary>The faults ModelArk answers before it accepts any work, each with its own status and code.</summary>
    private static IResult? Refusal(HttpContext http, string kind, string invalidParam) => kind switch
    {
        FaultKinds.BadKey => Error(http, 401, Codes.AuthenticationError, "", "The API key or AK/SK in the request is missing or invalid."),
        FaultKinds.NoCredits => Error(http, 403, Codes.AccountOverdue, "", "The request failed because your account has an overdue balance."),
        // ModelArk has no service-wide pause; its nearest signal is a closed endpoint ("currently closed or
        // temporarily unavailable"), what an operator sees when the endpoint serving the model is stopped.
        FaultKinds.Paused => Error(http, 400, Codes.ClosedEndpoint, "", "The request targeted an endpoint that is currently closed or temporarily unavailable."),
        // ModelArk documents no Retry-After on 429s: the body alone tells which limit was hit.
        FaultKinds.RateLimit => Error(http, 429, Codes.EndpointRpmExceeded, "", "The Requests Per Minute (RPM) limit of the associated endpoint for your account has been exceeded."),
        FaultKinds.Capacity => Error(http, 429, Codes.ServerOverloaded, "", "The service is currently unable to handle additional requests due to server overload."),
        FaultKinds.ServerError => Error(http, 500, Codes.InternalServiceError, "", "The service encountered an unexpected internal error."),
        FaultKinds.Moderation => Error(http, 400, Codes.InputTextSensitive, "", "The request failed because the input text may contain sensitive information."),
        FaultKinds.InvalidInput => Error(http, 400, Codes.InvalidParameter, invalidParam, $"The parameter `{invalidParam}` specified in the request is not valid."),
        FaultKinds.MalformedJson => Results.Text("<html><body><h1>502 Bad Gateway</h1></body></html>", "application/json", Encoding.UTF8, 200),
        _ => null,
    };

    private bool TryFind(string id, out EmulatedJob job)
    {
        job = null!;
        var now = context.Time.GetUtcNow();
        return id.StartsWith(TaskPrefix, StringComparison.Ordinal) && !_deleted.ContainsKey(id)
            && !(_cancelled.TryGetValue(id, out var cancelledAt) && now - cancelledAt > CancelledRetention)
            && EmulatedJob.TryDecode(id[TaskPrefix.Length..], context.Options.Value, out job) && job.Provider == Provider && job.Video
            && now - job.CreatedAt <= TaskRetention;
    }

    /// <summary>A size or ratio the shared renderer can draw ("2048x2048", "16:9"), or null for "2K", "adaptive" and the like.</summary>
    private static string? RatioOrNull(string? value)
    {
        if (value is null) return null;
        try
        {
            EmulatedMedia.SizeForRatio(value, 64);
            return value;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static async Task<JsonObject?> ReadAsync(HttpContext http, CancellationToken ct)
    {
        try { return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static IResult? Unauthenticated(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.Ordinal) && auth.Length > 7
            ? null
            : Error(http, 401, Codes.AuthenticationError, "", "The API key or AK/SK in the request is missing or invalid.");
    }

    private static IResult NotFound(HttpContext http, string id)
        => Error(http, 404, Codes.ResourceNotFound, "id", $"The specified task {id} is not found.");

    private static IResult Error(HttpContext http, int status, string code, string param, string message)
        => Json(status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = $"{message} Request id: {http.TraceIdentifier}",
                ["param"] = param,
                ["type"] = status switch
                {
                    400 => "BadRequest",
                    401 => "Unauthorized",
                    403 => "Forbidden",
                    404 => "NotFound",
                    429 => "TooManyRequests",
                    _ => "InternalServerError",
                },
            },
        });

    private static IResult Json(int status, JsonObject body) => Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    /// <summary>Forgets what a task's age already hides: past <see cref="TaskRetention"/> every task answers 404.</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var records in new[] { _cancelled, _deleted })
            foreach (var (id, _) in records)
                if (!EmulatedJob.TryDecode(id[TaskPrefix.Length..], context.Options.Value, out var job) || now - job.CreatedAt > TaskRetention) records.TryRemove(id, out _);
    }
}
