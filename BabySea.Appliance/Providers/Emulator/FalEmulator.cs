using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.Emulator.Media;
using BabySea.Appliance.Providers.Fal;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// fal's queue API (providers.md §2) served by the appliance: submit on the model's full path, status, result and
/// cancel on <c>{owner}/{app}/requests/{id}</c> without the subpath, fal's two error formats (typed <c>detail[]</c>
/// for model errors, <c>error_type</c> + <c>X-Fal-Error-Type</c> for infrastructure errors), and every fault of
/// <see cref="FaultKinds"/> answered the way fal answers it.
/// </summary>
public sealed class FalEmulator(EmulatorContext context) : IProviderEmulator
{
    private const string Root = "/emulator/fal";
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _canceled = new(StringComparer.Ordinal);

    public string Provider => FalAdapter.ProviderId;

    public void Map(IEndpointRouteBuilder app)
    {
        var fal = app.MapGroup(Root);
        fal.MapPost("/{**model}", (HttpContext http, string model) => SubmitAsync(http, model));
        fal.MapGet("/{owner}/{app}/requests/{id}/status", (HttpContext http, string owner, string app, string id) => Status(http, $"{owner}/{app}", id));
        fal.MapGet("/{owner}/{app}/requests/{id}", (HttpContext http, string owner, string app, string id) => Result(http, $"{owner}/{app}", id));
        fal.MapPut("/{owner}/{app}/requests/{id}/cancel", (HttpContext http, string owner, string app, string id) => Cancel(http, $"{owner}/{app}", id));
    }

    private async Task<IResult> SubmitAsync(HttpContext http, string model)
    {
        if (Unauthorized(http) is { } denied) return denied;
        if (model.Split('/') is not [_, _, ..]) return Json(404, new JsonObject { ["detail"] = $"Application '{model}' not found" });
        JsonObject? input;
        try { input = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject; }
        catch (System.Text.Json.JsonException) { input = null; }
        if (input is null) return ModelError(http, "body", "Input should be a valid dictionary", "dict_type");

        var directive = context.Faults.Choose(Provider, Text(input["prompt"]));
        switch (directive.Kind)
        {
            case FaultKinds.BadKey:
                return Json(401, new JsonObject { ["detail"] = "No user found for Key ID and Secret" });
            case FaultKinds.NoCredits:
                return Json(403, new JsonObject { ["detail"] = "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing." });
            case FaultKinds.Paused:
                // fal has no "paused" answer of its own; during maintenance its front door answers a bare 503 page,
                // without the error_type that fal's queue puts on every 503 it writes.
                http.Response.Headers.RetryAfter = "60";
                return Results.Text("<html><body><h1>503 Service Unavailable</h1><p>fal is down for scheduled maintenance.</p></body></html>",
                    "text/html", Encoding.UTF8, 503);
            case FaultKinds.RateLimit:
                // fal's retry signal is X-Fal-Retryable; it documents no Retry-After.
                http.Response.Headers["X-Fal-Retryable"] = "true";
                return Json(429, new JsonObject { ["detail"] = "Too many requests: the concurrent request limit of this account was reached." });
            case FaultKinds.ServerError:
                return RequestError(http, 500, "internal_error", "Internal server error");
            case FaultKinds.Capacity:
                return RequestError(http, 503, "runner_scheduling_failure", "No runner could be allocated to handle the request");
            case FaultKinds.Moderation:
                return ModerationError(http);
            case FaultKinds.InvalidInput:
                return ModelError(http, "image_size", "Input should be 'square_hd', 'square', 'portrait_4_3', 'portrait_16_9', 'landscape_4_3' or 'landscape_16_9'", "literal_error");
            case FaultKinds.MalformedJson:
                return Results.Text("<html><body>502 Bad Gateway</body></html>", "application/json", Encoding.UTF8, 200);
        }
        if (Text(input["prompt"]) is null) return ModelError(http, "prompt", "Field required", "missing");
        // fal's edit and image-to-video endpoints require the image they work from.
        if (model.EndsWith("/edit", StringComparison.Ordinal) && input["image_urls"] is not JsonArray { Count: > 0 })
            return ModelError(http, "image_urls", "Field required", "missing");
        if (model.EndsWith("/image-to-video", StringComparison.Ordinal) && Text(input["image_url"]) is null)
            return ModelError(http, "image_url", "Field required", "missing");
        var format = (Text(input["output_format"]) ?? "jpeg").ToLowerInvariant();
        if (format is not ("jpeg" or "jpg" or "png" or "webp")) return ModelError(http, "output_format", "Input should be 'jpeg' or 'png'", "literal_error");

        var now = context.Time.GetUtcNow();
        Prune(now);
        var video = input.ContainsKey("duration") || model.Contains("video", StringComparison.Ordinal);
        var job = EmulatedJob.Create(Provider, model, directive, now, video, Ratio(input), format, (int)(Number(input["num_images"]) ?? 1),
            Number(input["duration"]), context.Options.Value);
        http.Response.Headers["x-fal-request-id"] = job.Token;
        var body = Urls(http, job);
        body["status"] = "IN_QUEUE";
        body["queue_position"] = 0;
        return Json(200, body);
    }

    private IResult Status(HttpContext http, string app, string id)
    {
        if (Unauthorized(http) is { } denied) return denied;
        if (!TryFind(app, id, out var job)) return Json(404, new JsonObject { ["detail"] = "Request not found" });
        var body = Urls(http, job);
        switch (State(job))
        {
            case EmulatedState.Queued:
                body["status"] = "IN_QUEUE";
                body["queue_position"] = 0;
                return Json(202, body);
            case EmulatedState.Running:
                body["status"] = "IN_PROGRESS";
                body["logs"] = new JsonArray();
                return Json(202, body);
            case EmulatedState.Canceled:
                body["status"] = "COMPLETED";
                body["logs"] = new JsonArray();
                body["error"] = "Request was cancelled";
                body["error_type"] = "client_cancelled";
                return Json(200, body);
            default:
                body["status"] = "COMPLETED";
                body["logs"] = new JsonArray();
                body["metrics"] = new JsonObject { ["inference_time"] = Math.Round((job.ReadyAt - job.CreatedAt).TotalSeconds, 3) };
                return Json(200, body);
        }
    }

    private IResult Result(HttpContext http, string app, string id)
    {
        if (Unauthorized(http) is { } denied) return denied;
        if (!TryFind(app, id, out var job)) return Json(404, new JsonObject { ["detail"] = "Request not found" });
        var origin = Origin(http);
        switch (State(job))
        {
            case EmulatedState.Queued or EmulatedState.Running:
                return Json(400, new JsonObject { ["detail"] = "Request is still in progress" });
            case EmulatedState.Canceled:
                return RequestError(http, 499, "client_cancelled", "Request was cancelled");
            case EmulatedState.Moderated:
                return ModerationError(http);
        }
        if (job.Video)
            return Json(200, new JsonObject
            {
                ["video"] = new JsonObject
                {
                    ["url"] = EmulatorFiles.Url(origin, job, 0), ["content_type"] = EmulatedMedia.VideoContentType, ["file_name"] = "output.mp4",
                },
            });
        var (width, height) = EmulatedMedia.SizeForRatio(job.Ratio, context.Options.Value.ImageLongEdge);
        var images = Enumerable.Range(0, job.Count).Select(i => (JsonNode)new JsonObject
        {
            ["url"] = EmulatorFiles.Url(origin, job, i), ["width"] = width, ["height"] = height,
            ["content_type"] = EmulatedMedia.ImageContentType(job.Format),
        }).ToArray();
        return Json(200, new JsonObject
        {
            ["images"] = new JsonArray(images),
            ["seed"] = job.CreatedAt.ToUnixTimeMilliseconds() % 1_000_000,
            ["has_nsfw_concepts"] = new JsonArray(Enumerable.Range(0, job.Count).Select(_ => (JsonNode)JsonValue.Create(false)).ToArray()),
            ["timings"] = new JsonObject { ["inference"] = Math.Round((job.ReadyAt - job.CreatedAt).TotalSeconds, 3) },
        });
    }

    private IResult Cancel(HttpContext http, string app, string id)
    {
        if (Unauthorized(http) is { } denied) return denied;
        if (!TryFind(app, id, out var job)) return Json(404, new JsonObject { ["status"] = "NOT_FOUND" });
        if (State(job) is not (EmulatedState.Queued or EmulatedState.Running)) return Json(400, new JsonObject { ["status"] = "ALREADY_COMPLETED" });
        _canceled.TryAdd(job.Token, context.Time.GetUtcNow());
        return Json(202, new JsonObject { ["status"] = "CANCELLATION_REQUESTED" });
    }

    private EmulatedState State(EmulatedJob job) => job.StateAt(context.Time.GetUtcNow(), _canceled.ContainsKey(job.Token));

    /// <summary>Status, result and cancel live under the model's owner/app only, as on fal.</summary>
    private bool TryFind(string app, string id, out EmulatedJob job)
        => EmulatedJob.TryDecode(id, context.Options.Value, out job) && job.Provider == Provider && AppOf(job.Model) == app;

    private static string AppOf(string model) => string.Join('/', model.Split('/').Take(2));

    private static JsonObject Urls(HttpContext http, EmulatedJob job)
    {
        var request = $"{Origin(http)}{Root}/{AppOf(job.Model)}/requests/{job.Token}";
        return new JsonObject
        {
            ["request_id"] = job.Token,
            ["response_url"] = request,
            ["status_url"] = request + "/status",
            ["cancel_url"] = request + "/cancel",
        };
    }

    /// <summary>The picture's ratio from fal's <c>image_size</c> (preset or <c>{width, height}</c>) or <c>aspect_ratio</c>.</summary>
    private static string Ratio(JsonObject input)
    {
        if (input["image_size"] is JsonObject size && Number(size["width"]) is { } w && Number(size["height"]) is { } h && w > 0 && h > 0)
            return $"{(int)w}:{(int)h}";
        var text = Text(input["image_size"]) switch
        {
            "square_hd" or "square" => "1:1",
            "landscape_16_9" => "16:9",
            "portrait_16_9" => "9:16",
            "landscape_4_3" => "4:3",
            "portrait_4_3" => "3:4",
            var other => other ?? Text(input["aspect_ratio"]),
        };
        return text?.Split(':', 'x') is [var a, var b] && int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x)
            && int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && x > 0 && y > 0
            ? $"{x}:{y}"
            : "1:1";
    }

    private static IResult? Unauthorized(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        return auth.StartsWith("Key ", StringComparison.Ordinal) && auth.IndexOf(':', 4) > 4
            ? null
            : Json(401, new JsonObject { ["detail"] = "No user found for Key ID and Secret" });
    }

    private static IResult ModelError(HttpContext http, string field, string message, string type)
    {
        http.Response.Headers["X-Fal-Retryable"] = "false";
        return Json(422, new JsonObject
        {
            ["detail"] = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body", field), ["msg"] = message, ["type"] = type }),
        });
    }

    private static IResult ModerationError(HttpContext http)
    {
        http.Response.Headers["X-Fal-Retryable"] = "false";
        return Json(422, new JsonObject
        {
            ["detail"] = new JsonArray(new JsonObject
            {
                ["loc"] = new JsonArray("body", "prompt"),
                ["msg"] = "The content was flagged by a content checker.",
                ["type"] = FalErrors.ContentPolicyViolation,
                ["url"] = "https://docs.fal.ai/errors#content_policy_violation",
                ["categories"] = new JsonArray("violence"),
            }),
        });
    }

    private static IResult RequestError(HttpContext http, int status, string errorType, string detail)
    {
        http.Response.Headers["X-Fal-Error-Type"] = errorType;
        http.Response.Headers["X-Fal-Retryable"] = status >= 500 ? "true" : "false";
        return Json(status, new JsonObject { ["detail"] = detail, ["error_type"] = errorType });
    }

    private static IResult Json(int status, JsonObject body) => Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";


    /// <summary>A number, or the leading digits of a string such as veo's <c>"5s"</c> or Kling's <c>"5"</c>.</summary>
    private static double? Number(JsonNode? node)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<double>(out var d)) return d;
        var digits = new string((Text(v) ?? "").TakeWhile(char.IsAsciiDigit).ToArray());
        return double.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out d) ? d : null;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, at) in _canceled)
            if (now - at > Retention) _canceled.TryRemove(id, out _);
    }
}
