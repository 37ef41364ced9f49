using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Api;
using BabySea.Appliance.Providers.Runway;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// Runway's developer API (providers.md §5) served by the appliance: the four create endpoints, the task object
/// with its statuses and <c>failureCode</c>s, delete-as-cancel, Runway's <c>{"error", "docUrl"}</c> bodies, and
/// every fault of <see cref="FaultKinds"/> answered the way Runway answers it.
/// </summary>
public sealed class RunwayEmulator(EmulatorContext context) : IProviderEmulator
{
    private const string DocUrl = "https://docs.dev.runwayml.com/api";
    private static readonly TimeSpan Retention = TimeSpan.FromHours(48);
    private static readonly string[] Endpoints = ["text_to_image", "image_to_video", "text_to_video", "video_to_video"];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deleted = new(StringComparer.Ordinal);

    public string Provider => RunwayAdapter.ProviderId;

    public void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/emulator/runway/v1");
        foreach (var endpoint in Endpoints) v1.MapPost("/" + endpoint, (HttpContext http, CancellationToken ct) => CreateAsync(http, endpoint, ct));
        v1.MapGet("/tasks/{id}", (HttpContext http, string id) => Get(http, id));
        v1.MapDelete("/tasks/{id}", (HttpContext http, string id) => Delete(http, id));
    }

    private async Task<IResult> CreateAsync(HttpContext http, string endpoint, CancellationToken ct)
    {
        if (Refused(http) is { } refused) return refused;
        JsonObject? body;
        try { body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject; }
        catch (System.Text.Json.JsonException) { body = null; }
        if (body is null) return Invalid("invalid_type", "Expected object, received null", []);
        if (Missing(body, endpoint) is { } field) return Invalid("invalid_type", "Required", [field]);

        var directive = context.Faults.Choose(Provider, Text(body["promptText"]));
        switch (directive.Kind)
        {
            case FaultKinds.BadKey:
                return Error(401, "The API key you provided is not valid.");
            case FaultKinds.NoCredits:
                return Error(400, RunwayErrors.NotEnoughCredits);
            case FaultKinds.Paused:
                // Runway has no "paused" answer. The nearest real state is an organization whose API access is held
                // (spend limit reached, access disabled) while its key stays valid: a refusal that is about neither
                // the key nor the request.
                return Error(403, "API access for your organization is paused: the monthly spend limit has been reached.");
            case FaultKinds.RateLimit:
                // Runway's 429 is its daily generation quota (or a burst); it sends no Retry-After and asks for backoff.
                return Error(429, "Your daily task limit has been reached.");
            case FaultKinds.ServerError:
                return Error(500, "An unexpected error occurred.");
            case FaultKinds.Capacity:
                return Error(503, "Runway is shedding load. Please retry the request later.");
            case FaultKinds.InvalidInput:
                return Invalid("invalid_enum_value", "Invalid enum value. Expected '1280:720' | '720:1280', received '1:1'", ["ratio"]);
            case FaultKinds.MalformedJson:
                return Results.Text("<html><body><h1>502 Bad Gateway</h1></body></html>", "application/json", Encoding.UTF8, 200);
        }

        var now = context.Time.GetUtcNow();
        Prune(now);
        var video = endpoint != "text_to_image";
        var seconds = body["duration"] is JsonValue d && d.TryGetValue<double>(out var s) ? s : (double?)null;
        // Moderation is Runway's task layer: a refused prompt still gets a task, which is FAILED from the start.
        var job = EmulatedJob.Create(Provider, Text(body["model"]) ?? "unknown", directive, now, video, Text(body["ratio"]), "png", 1, seconds, context.Options.Value);
        return Json(200, new JsonObject { ["id"] = job.Token });
    }

    private IResult Get(HttpContext http, string id)
    {
        if (Refused(http) is { } refused) return refused;
        if (!Known(id, out var job)) return Error(404, "Could not find Task");
        var now = context.Time.GetUtcNow();
        var task = new JsonObject { ["id"] = job.Token, ["createdAt"] = Timestamps.Format(job.CreatedAt) };
        switch (job.StateAt(now, canceled: false))
        {
            case EmulatedState.Queued:
                task["status"] = "PENDING";
                break;
            case EmulatedState.Running:
                task["status"] = "RUNNING";
                task["progress"] = job.NeverFinishes ? 0.5 : Math.Round(Math.Min(1, (now - job.CreatedAt) / (job.ReadyAt - job.CreatedAt)), 2);
                break;
            case EmulatedState.Succeeded:
                var origin = $"{http.Request.Scheme}://{http.Request.Host}";
                task["status"] = "SUCCEEDED";
                task["output"] = new JsonArray(Enumerable.Range(0, job.Count).Select(i => (JsonNode)JsonValue.Create(EmulatorFiles.Url(origin, job, i))).ToArray());
                break;
            default:
                task["status"] = "FAILED";
                if (job.Kind == FaultKinds.Moderation)
                {
                    task["failure"] = "Your prompt text was flagged by our content moderation system.";
                    task["failureCode"] = "SAFETY.INPUT.TEXT";
                }
                else
                {
                    task["failure"] = "The generated output was flagged by our content moderation system.";
                    task["failureCode"] = job.Video ? "SAFETY.OUTPUT.VIDEO" : "SAFETY.OUTPUT.IMAGE";
                }
                break;
        }
        return Json(200, task);
    }

    private IResult Delete(HttpContext http, string id)
    {
        if (Refused(http) is { } refused) return refused;
        if (!Known(id, out _)) return Error(404, "Could not find Task");
        // A pending or running task is cancelled, a finished one deleted; afterwards it is gone for GET too.
        _deleted.TryAdd(id, context.Time.GetUtcNow());
        return Results.NoContent();
    }

    private bool Known(string id, out EmulatedJob job)
        => EmulatedJob.TryDecode(id, context.Options.Value, out job) && job.Provider == Provider && !_deleted.ContainsKey(id);

    /// <summary>The field a create lacks among those the endpoint requires, as Runway's validation names it.</summary>
    private static string? Missing(JsonObject body, string endpoint)
    {
        string[] required = endpoint switch
        {
            "text_to_image" => ["model", "promptText", "ratio"],
            "image_to_video" => ["model", "promptImage"],
            "video_to_video" => ["model", "videoUri", "promptText"],
            _ => ["model", "promptText"],
        };
        return required.FirstOrDefault(f => body[f] is null);
    }

    private static IResult? Refused(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || auth.Length <= 7)
            return Error(401, "No API key was provided. Pass your key in the Authorization header as a Bearer token.");
        return http.Request.Headers[RunwayAdapter.VersionHeader].ToString() == RunwayAdapter.ApiVersion
            ? null
            : Error(400, $"The {RunwayAdapter.VersionHeader} header is missing or names an unknown API version.");
    }

    private static IResult Invalid(string code, string message, string[] path)
        => Json(400, new JsonObject
        {
            ["error"] = "Validation of body failed",
            ["issues"] = new JsonArray(new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["path"] = new JsonArray(path.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
            }),
            ["docUrl"] = DocUrl,
        });

    private static IResult Error(int status, string error) => Json(status, new JsonObject { ["error"] = error, ["docUrl"] = DocUrl });

    private static IResult Json(int status, JsonObject body) => Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);


    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, at) in _deleted)
            if (now - at > Retention) _deleted.TryRemove(id, out _);
    }
}
