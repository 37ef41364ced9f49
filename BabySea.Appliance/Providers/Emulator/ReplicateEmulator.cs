using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Api;
using BabySea.Appliance.Providers.Replicate;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// Replicate's prediction API (providers.md §1) served by the appliance: the same routes, statuses, problem
/// bodies and file URLs, producing real images and videos, with every fault of <see cref="FaultKinds"/>
/// answered the way Replicate answers it.
/// </summary>
public sealed class ReplicateEmulator(EmulatorContext context) : IProviderEmulator
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);
    // Replicate echoes a prediction's input; the emulator keeps small inputs of recent jobs only, so what it holds is bounded.
    private const int MaxKeptInputs = 10_000;
    private const int MaxKeptInputBytes = 16 * 1024;
    private readonly ConcurrentDictionary<string, JsonObject> _inputs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _canceled = new(StringComparer.Ordinal);

    public string Provider => ReplicateAdapter.ProviderId;

    public void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/emulator/replicate/v1");
        v1.MapPost("/models/{owner}/{name}/predictions", (HttpContext http, string owner, string name) => CreateAsync(http, $"{owner}/{name}"));
        v1.MapPost("/predictions", (HttpContext http, CancellationToken ct) => CreateAsync(http, null));
        v1.MapGet("/predictions/{id}", (HttpContext http, string id) => Get(http, id));
        v1.MapPost("/predictions/{id}/cancel", (HttpContext http, string id) => Cancel(http, id));
    }

    private async Task<IResult> CreateAsync(HttpContext http, string? model)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        JsonObject? body;
        try { body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject; }
        catch (System.Text.Json.JsonException) { body = null; }
        if (body?["input"] is not JsonObject input) return InvalidInput("input", "input is required");
        model ??= body["version"]?.GetValue<string>() ?? "unknown";

        var directive = context.Faults.Choose(Provider, input["prompt"]?.GetValue<string>());
        switch (directive.Kind)
        {
            case FaultKinds.BadKey:
                return Problem(401, "Unauthenticated", "You did not pass a valid authentication token");
            case FaultKinds.NoCredits:
                return Problem(402, "Insufficient credit", "You have insufficient credit to run this model. Go to https://replicate.com/account/billing to purchase credit.");
            case FaultKinds.Paused:
                return Problem(403, "Account disabled", "Your account has been disabled. Contact support to re-enable it.");
            case FaultKinds.RateLimit:
                http.Response.Headers.RetryAfter = "2";
                return Results.Text("{\"detail\":\"Request was throttled. Your rate limit resets in ~2s.\"}", "application/json", Encoding.UTF8, 429);
            case FaultKinds.ServerError:
                return Problem(500, "Internal Server Error", "An unexpected error occurred.");
            case FaultKinds.Capacity:
                return Problem(503, "Service Unavailable", "No capacity is available for this model right now. Please try again later.");
            case FaultKinds.InvalidInput:
                return InvalidInput("input.aspect_ratio", "aspect_ratio must be one of the following: \"1:1\", \"16:9\"");
            case FaultKinds.MalformedJson:
                return Results.Text("<html><body>502 Bad Gateway</body></html>", "application/json", Encoding.UTF8, 201);
        }

        var now = context.Time.GetUtcNow();
        Prune(now);
        var video = input.ContainsKey("duration");
        var count = (int?)(input["num_outputs"] ?? input["max_images"])?.GetValue<double>() ?? 1;
        var job = EmulatedJob.Create(Provider, model, directive, now, video, input["aspect_ratio"]?.GetValue<string>(),
            input["output_format"]?.GetValue<string>() ?? "webp", count, input["duration"]?.GetValue<double>(), context.Options.Value);
        if (_inputs.Count < MaxKeptInputs && input.ToJsonString().Length <= MaxKeptInputBytes) _inputs[job.Token] = (JsonObject)input.DeepClone();
        var state = job.StateAt(now, false);
        return Json(http, state is EmulatedState.Succeeded or EmulatedState.Moderated ? 201 : 202, job, input.ContainsKey("num_outputs") || input.ContainsKey("max_images"), now);
    }

    private IResult Get(HttpContext http, string id)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        return EmulatedJob.TryDecode(id, context.Options.Value, out var job) && job.Provider == Provider
            ? Json(http, 200, job, ListOutput(id), context.Time.GetUtcNow())
            : Problem(404, "Not found", "The requested resource could not be found.");
    }

    private IResult Cancel(HttpContext http, string id)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        if (!EmulatedJob.TryDecode(id, context.Options.Value, out var job) || job.Provider != Provider) return Problem(404, "Not found", "The requested resource could not be found.");
        var now = context.Time.GetUtcNow();
        if (job.StateAt(now, false) is EmulatedState.Queued or EmulatedState.Running) _canceled.TryAdd(id, now);
        return Json(http, 200, job, ListOutput(id), now);
    }

    private bool ListOutput(string id) => _inputs.TryGetValue(id, out var input) && (input.ContainsKey("num_outputs") || input.ContainsKey("max_images"));

    private IResult Json(HttpContext http, int status, EmulatedJob job, bool listOutput, DateTimeOffset now)
    {
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var api = $"{origin}/emulator/replicate/v1/predictions/{job.Token}";
        var canceledAt = _canceled.TryGetValue(job.Token, out var c) ? c : (DateTimeOffset?)null;
        var state = job.StateAt(now, canceledAt is not null);
        JsonNode? output = null;
        if (state == EmulatedState.Succeeded)
        {
            var urls = Enumerable.Range(0, job.Count).Select(i => (JsonNode)JsonValue.Create(EmulatorFiles.Url(origin, job, i))).ToArray();
            // Multi-output models answer a list; single-output models a bare URL (providers.md §1.4).
            output = listOutput ? new JsonArray(urls) : urls[0];
        }
        var started = job.CreatedAt.AddMilliseconds(20);
        var finished = state is EmulatedState.Succeeded or EmulatedState.Moderated or EmulatedState.Canceled;
        var body = new JsonObject
        {
            ["id"] = job.Token,
            ["model"] = job.Model,
            ["version"] = "hidden",
            ["input"] = _inputs.TryGetValue(job.Token, out var input) ? input.DeepClone() : new JsonObject(),
            ["logs"] = "",
            ["output"] = output,
            ["data_removed"] = false,
            ["error"] = state == EmulatedState.Moderated ? "E005: The input or output was flagged as sensitive. Please try again with different inputs." : null,
            ["status"] = state switch
            {
                EmulatedState.Queued => "starting",
                EmulatedState.Running => "processing",
                EmulatedState.Succeeded => "succeeded",
                EmulatedState.Canceled => "canceled",
                _ => "failed",
            },
            ["source"] = "api",
            ["created_at"] = Timestamps.Format(job.CreatedAt),
            ["started_at"] = now >= started ? Timestamps.Format(started) : null,
            ["completed_at"] = finished ? Timestamps.Format(canceledAt ?? (job.Kind == FaultKinds.Moderation ? job.CreatedAt : job.ReadyAt)) : null,
            ["metrics"] = state == EmulatedState.Succeeded ? new JsonObject { ["predict_time"] = (job.ReadyAt - started).TotalSeconds } : new JsonObject(),
            ["urls"] = new JsonObject { ["get"] = api, ["cancel"] = api + "/cancel", ["web"] = $"{origin}/emulator/replicate/p/{job.Token}" },
        };
        return Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);
    }

    private static IResult? Unauthenticated(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.Ordinal) && auth.Length > 7 || auth.StartsWith("Token ", StringComparison.Ordinal) && auth.Length > 6
            ? null
            : Problem(401, "Unauthenticated", "You did not pass an authentication token");
    }

    private static IResult InvalidInput(string field, string description)
        => Results.Text(new JsonObject
        {
            ["title"] = "Input validation failed",
            ["detail"] = $"- {field}: {description}\n",
            ["status"] = 422,
            ["invalid_fields"] = new JsonArray(new JsonObject { ["type"] = "enum", ["field"] = field, ["description"] = description }),
        }.ToJsonString(), "application/problem+json", Encoding.UTF8, 422);

    private static IResult Problem(int status, string title, string detail)
        => Results.Text(new JsonObject { ["title"] = title, ["detail"] = detail, ["status"] = status }.ToJsonString(),
            "application/problem+json", Encoding.UTF8, status);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, _) in _inputs)
            if (EmulatedJob.TryDecode(id, context.Options.Value, out var job) && now - job.CreatedAt > Retention) _inputs.TryRemove(id, out _);
        foreach (var (id, at) in _canceled)
            if (now - at > Retention) _canceled.TryRemove(id, out _);
    }
}
