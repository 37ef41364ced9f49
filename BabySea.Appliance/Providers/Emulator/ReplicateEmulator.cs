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
    private readonly ConcurrentDictionary<string, JsonObject> _inputs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _canceled = new(StringComparer.Ordinal);

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
        var prediction = new Prediction(model, directive.Kind, now,
            directive.Kind == "never_finish" ? DateTimeOffset.MaxValue : now.AddMilliseconds(latency), video,
            input["aspect_ratio"]?.GetValue<string>() ?? "1:1",
            video ? "mp4" : (input["output_format"]?.GetValue<string>() ?? "webp") is "jpeg" ? "jpg" : input["output_format"]?.GetValue<string>() ?? "webp",
            Math.Clamp((int?)(input["num_outputs"] ?? input["max_images"])?.GetValue<double>() ?? 1, 1, 10),
            input.ContainsKey("num_outputs") || input.ContainsKey("max_images"),
            Math.Clamp(input["duration"]?.GetValue<double>() ?? 2, 1, 3));
        _inputs[prediction.Id] = (JsonObject)input.DeepClone();

        var status = StatusAt(prediction, now);
        return Json(http, status is "succeeded" or "failed" ? 201 : 202, prediction, now);
    }

    private IResult Get(HttpContext http, string id)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        return Prediction.TryDecode(id, out var p)
            ? Json(http, 200, p, time.GetUtcNow())
            : Problem(404, "Not found", "The requested resource could not be found.");
    }

    private IResult Cancel(HttpContext http, string id)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        if (!Prediction.TryDecode(id, out var p)) return Problem(404, "Not found", "The requested resource could not be found.");
        var now = time.GetUtcNow();
        if (StatusAt(p, now) is "starting" or "processing") _canceled[id] = now;
        return Json(http, 200, p, now);
    }

    private IResult File(string id, string file)
    {
        if (!Prediction.TryDecode(id, out var p) || StatusAt(p, time.GetUtcNow()) != "succeeded")
            return Results.NotFound();
        var dot = file.LastIndexOf('.');
        if (dot < 0 || !int.TryParse(file.AsSpan(4, Math.Max(0, dot - 4)), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return Results.NotFound();
        if (index >= p.Count) return Results.NotFound();
        var seed = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{id}/{index}")));
        if (p.Video)
        {
            var (w, h) = EmulatedMedia.SizeForRatio(p.Ratio, options.Value.VideoLongEdge);
            return Results.Bytes(EmulatedMedia.Video(w, h, p.Seconds, seed), "video/mp4");
        }
        var (width, height) = EmulatedMedia.SizeForRatio(p.Ratio, options.Value.ImageLongEdge);
        var (bytes, contentType) = EmulatedMedia.Image(p.Format, width, height, seed);
        return Results.Bytes(bytes, contentType);
    }

    private IResult Json(HttpContext http, int status, Prediction p, DateTimeOffset now)
    {
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var api = $"{origin}/emulator/replicate/v1/predictions/{p.Id}";
        var state = StatusAt(p, now);
        var canceledAt = _canceled.TryGetValue(p.Id, out var c) ? c : (DateTimeOffset?)null;
        JsonNode? output = null;
        if (state == "succeeded")
        {
            var urls = Enumerable.Range(0, p.Count).Select(i => (JsonNode)JsonValue.Create($"{origin}/emulator/replicate/files/{p.Id}/out-{i}.{p.Format}")).ToArray();
            // Multi-output models answer a list; single-output models a bare URL (providers.md §1.4).
            output = p.ListOutput ? new JsonArray(urls) : urls[0];
        }
        var started = p.CreatedAt.AddMilliseconds(20);
        var body = new JsonObject
        {
            ["id"] = p.Id,
            ["model"] = p.Model,
            ["version"] = "hidden",
            ["input"] = _inputs.TryGetValue(p.Id, out var input) ? input.DeepClone() : new JsonObject(),
            ["logs"] = "",
            ["output"] = output,
            ["data_removed"] = false,
            ["error"] = state == "failed" ? "E005: The input or output was flagged as sensitive. Please try again with different inputs." : null,
            ["status"] = state,
            ["source"] = "api",
            ["created_at"] = Timestamps.Format(p.CreatedAt),
            ["started_at"] = now >= started ? Timestamps.Format(started) : null,
            ["completed_at"] = state is "succeeded" or "failed" or "canceled" ? Timestamps.Format(canceledAt ?? p.ReadyAt) : null,
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

    private string StatusAt(Prediction p, DateTimeOffset now)
    {
        if (_canceled.ContainsKey(p.Id)) return "canceled";
        if (p.Kind == "moderation") return "failed";
        if (now < p.CreatedAt.AddMilliseconds(20)) return "starting";
        if (now < p.ReadyAt) return "processing";
        return p.Kind == "moderation_late" ? "failed" : "succeeded";
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, _) in _inputs)
            if (Prediction.TryDecode(id, out var p) && now - p.CreatedAt > Retention) _inputs.TryRemove(id, out _);
        foreach (var (id, at) in _canceled)
            if (now - at > Retention) _canceled.TryRemove(id, out _);
    }

    /// <summary>
    /// Everything needed to answer for a prediction is in its id, so the emulator keeps answering for jobs created
    /// before the appliance restarted, as Replicate would. Only the echoed input and cancellations live in memory.
    /// </summary>
    private sealed record Prediction(string Model, string Kind, DateTimeOffset CreatedAt, DateTimeOffset ReadyAt, bool Video, string Ratio,
        string Format, int Count, bool ListOutput, double Seconds)
    {
        public string Id { get; } = Encode(Model, Kind, CreatedAt, ReadyAt, Video, Ratio, Format, Count, ListOutput, Seconds);

        private static string Encode(string model, string kind, DateTimeOffset created, DateTimeOffset ready, bool video, string ratio,
            string format, int count, bool list, double seconds)
        {
            var text = string.Join('|', model, kind, created.ToUnixTimeMilliseconds(), ready == DateTimeOffset.MaxValue ? -1 : ready.ToUnixTimeMilliseconds(),
                video ? 1 : 0, ratio, format, count, list ? 1 : 0, seconds.ToString(CultureInfo.InvariantCulture));
            return Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));
        }

        public static bool TryDecode(string id, out Prediction prediction)
        {
            prediction = null!;
            try
            {
                var f = Encoding.UTF8.GetString(Convert.FromHexString(id)).Split('|');
                if (f.Length != 10) return false;
                var ready = long.Parse(f[3], CultureInfo.InvariantCulture);
                prediction = new Prediction(f[0], f[1], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[2], CultureInfo.InvariantCulture)),
                    ready < 0 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(ready), f[4] == "1", f[5], f[6],
                    int.Parse(f[7], CultureInfo.InvariantCulture), f[8] == "1", double.Parse(f[9], CultureInfo.InvariantCulture));
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }
}
