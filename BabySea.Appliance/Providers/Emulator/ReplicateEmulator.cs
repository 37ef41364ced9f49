using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Api;
using BabySea.Appliance.Providers.Emulator.Media;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// Replicate's prediction API (providers.md §1) served by the appliance: the same routes, statuses, problem
/// bodies and file URLs, producing real images and videos, with faults chosen by the prompt directive.
/// </summary>
public sealed class ReplicateEmulator(TimeProvider time, IOptions<EmulatorOptions> options)
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Prediction> _predictions = new(StringComparer.Ordinal);

    public void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/emulator/replicate/v1");
        v1.MapPost("/models/{owner}/{name}/predictions", (HttpContext http, string owner, string name) => CreateAsync(http, $"{owner}/{name}"));
        v1.MapPost("/predictions", (HttpContext http, CancellationToken ct) => CreateAsync(http, null));
        v1.MapGet("/predictions/{id}", (HttpContext http, string id) => Get(http, id));
        v1.MapPost("/predictions/{id}/cancel", (HttpContext http, string id) => Cancel(http, id));
        app.MapGet("/emulator/replicate/files/{id}/{file}", (string id, string file) => File(id, file));
    }

    private async Task<IResult> CreateAsync(HttpContext http, string? model)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        JsonObject? body;
        try { body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject; }
        catch (System.Text.Json.JsonException) { body = null; }
        if (body?["input"] is not JsonObject input)
            return Problem(422, "Input validation failed", "- input: input is required");
        model ??= body["version"]?.GetValue<string>() ?? "unknown";

        var prompt = input["prompt"]?.GetValue<string>();
        var directive = EmulationDirective.For(Replicate.ReplicateAdapter.ProviderId, prompt);
        switch (directive.Kind)
        {
            case "server_error":
                return Problem(500, "Internal Server Error", "An unexpected error occurred.");
            case "rate_limit":
                http.Response.Headers.RetryAfter = "1";
                return Results.Text("{\"detail\":\"Request was throttled. Your rate limit resets in ~1s.\"}", "application/json", Encoding.UTF8, 429);
        }

        var now = time.GetUtcNow();
        Prune(now);
        var video = input.ContainsKey("duration");
        var latency = directive.Kind == "latency" && directive.Milliseconds is { } ms ? ms
            : video ? options.Value.VideoLatencyMs : options.Value.ImageLatencyMs;
        var prediction = new Prediction(Guid.NewGuid().ToString("N")[..20], model, (JsonObject)input.DeepClone(), directive.Kind, now,
            directive.Kind == "never_finish" ? DateTimeOffset.MaxValue : now.AddMilliseconds(latency), video);
        _predictions[prediction.Id] = prediction;

        var status = prediction.StatusAt(now);
        return Json(http, status is "succeeded" or "failed" ? 201 : 202, prediction, now);
    }

    private IResult Get(HttpContext http, string id)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        return _predictions.TryGetValue(id, out var p)
            ? Json(http, 200, p, time.GetUtcNow())
            : Problem(404, "Not found", "The requested resource could not be found.");
    }

    private IResult Cancel(HttpContext http, string id)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        if (!_predictions.TryGetValue(id, out var p)) return Problem(404, "Not found", "The requested resource could not be found.");
        var now = time.GetUtcNow();
        if (p.StatusAt(now) is "starting" or "processing") p.CanceledAt = now;
        return Json(http, 200, p, now);
    }

    private IResult File(string id, string file)
    {
        if (!_predictions.TryGetValue(id, out var p) || p.StatusAt(time.GetUtcNow()) != "succeeded")
            return Results.NotFound();
        var dot = file.LastIndexOf('.');
        if (dot < 0 || !int.TryParse(file.AsSpan(4, Math.Max(0, dot - 4)), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return Results.NotFound();
        var seed = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{id}/{index}/{p.Input["prompt"]}")));
        var ratio = p.Input["aspect_ratio"]?.GetValue<string>() ?? "1:1";
        if (p.Video)
        {
            var (w, h) = EmulatedMedia.SizeForRatio(ratio, options.Value.VideoLongEdge);
            var seconds = Math.Clamp(p.Input["duration"]?.GetValue<double>() ?? 2, 1, 3);
            return Results.Bytes(EmulatedMedia.Video(w, h, seconds, seed), "video/mp4");
        }
        var (width, height) = EmulatedMedia.SizeForRatio(ratio, options.Value.ImageLongEdge);
        var (bytes, contentType) = EmulatedMedia.Image(p.Format, width, height, seed);
        return Results.Bytes(bytes, contentType);
    }

    private IResult Json(HttpContext http, int status, Prediction p, DateTimeOffset now)
    {
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var api = $"{origin}/emulator/replicate/v1/predictions/{p.Id}";
        var state = p.StatusAt(now);
        JsonNode? output = null;
        if (state == "succeeded")
        {
            var urls = Enumerable.Range(0, p.Count).Select(i => (JsonNode)JsonValue.Create($"{origin}/emulator/replicate/files/{p.Id}/out-{i}.{p.Format}")).ToArray();
            // Multi-output models answer a list; single-output models a bare URL (providers.md §1.4).
            output = p.Input.ContainsKey("num_outputs") || p.Input.ContainsKey("max_images") ? new JsonArray(urls) : urls[0];
        }
        var started = p.CreatedAt.AddMilliseconds(20);
        var body = new JsonObject
        {
            ["id"] = p.Id,
            ["model"] = p.Model,
            ["version"] = "hidden",
            ["input"] = p.Input.DeepClone(),
            ["logs"] = "",
            ["output"] = output,
            ["data_removed"] = false,
            ["error"] = state == "failed" ? "E005: The input or output was flagged as sensitive. Please try again with different inputs." : null,
            ["status"] = state,
            ["source"] = "api",
            ["created_at"] = Timestamps.Format(p.CreatedAt),
            ["started_at"] = now >= started ? Timestamps.Format(started) : null,
            ["completed_at"] = state is "succeeded" or "failed" or "canceled" ? Timestamps.Format(p.CanceledAt ?? p.ReadyAt) : null,
            ["metrics"] = state == "succeeded" ? new JsonObject { ["predict_time"] = (p.ReadyAt - started).TotalSeconds } : new JsonObject(),
            ["urls"] = new JsonObject { ["get"] = api, ["cancel"] = api + "/cancel", ["web"] = $"{origin}/emulator/replicate/p/{p.Id}" },
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

    private static IResult Problem(int status, string title, string detail)
        => Results.Text(new JsonObject { ["title"] = title, ["detail"] = detail, ["status"] = status }.ToJsonString(),
            "application/problem+json", Encoding.UTF8, status);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, p) in _predictions)
            if (now - p.CreatedAt > Retention) _predictions.TryRemove(id, out _);
    }

    private sealed class Prediction(string id, string model, JsonObject input, string kind, DateTimeOffset createdAt, DateTimeOffset readyAt, bool video)
    {
        public string Id => id;
        public string Model => model;
        public JsonObject Input => input;
        public DateTimeOffset CreatedAt => createdAt;
        public DateTimeOffset ReadyAt => readyAt;
        public bool Video => video;
        public DateTimeOffset? CanceledAt { get; set; }

        public string Format => video ? "mp4" : (input["output_format"]?.GetValue<string>() ?? "webp") switch
        {
            "jpeg" => "jpg",
            var f => f,
        };

        public int Count => Math.Clamp((int?)(input["num_outputs"] ?? input["max_images"])?.GetValue<double>() ?? 1, 1, 10);

        public string StatusAt(DateTimeOffset now)
        {
            if (CanceledAt is not null) return "canceled";
            if (kind == "moderation") return "failed";
            if (now < createdAt.AddMilliseconds(20)) return "starting";
            if (now < readyAt) return "processing";
            return kind == "moderation_late" ? "failed" : "succeeded";
        }
    }
}
