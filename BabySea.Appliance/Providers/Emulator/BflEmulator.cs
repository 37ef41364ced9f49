using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.Bfl;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// Black Forest Labs' API (providers.md §4) served by the appliance: <c>POST /v1/{model}</c> answering
/// <c>{id, polling_url}</c>, <c>GET /v1/get_result?id=</c> with BFL's task statuses, FastAPI error bodies, and
/// every fault of <see cref="FaultKinds"/> answered the way BFL answers it. Moderation is BFL's poll status, never an
/// HTTP error: <c>Request Moderated</c> for a refused input, <c>Content Moderated</c> for a withheld output.
/// </summary>
public sealed class BflEmulator(EmulatorContext context) : IProviderEmulator
{
    private const string Root = "/emulator/bfl";

    public string Provider => BflAdapter.ProviderId;

    public void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup(Root + "/v1");
        v1.MapPost("/{model}", (HttpContext http, string model) => SubmitAsync(http, model));
        v1.MapGet("/get_result", (HttpContext http) => Poll(http));
    }

    private async Task<IResult> SubmitAsync(HttpContext http, string model)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        if (!model.StartsWith("flux-", StringComparison.Ordinal)) return Json(404, new JsonObject { ["detail"] = "Not Found" });
        JsonObject? input;
        try { input = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject; }
        catch (System.Text.Json.JsonException) { input = null; }
        if (input is null) return Invalid("body", "Input should be a valid dictionary or object to extract fields from", "model_attributes_type");

        var directive = context.Faults.Choose(Provider, Text(input["prompt"]));
        switch (directive.Kind)
        {
            case FaultKinds.BadKey:
                return Json(403, new JsonObject { ["detail"] = "Not authenticated - Invalid Authentication" });
            case FaultKinds.NoCredits:
                return Json(402, new JsonObject { ["detail"] = "Insufficient credits. Add credits at https://dashboard.bfl.ai to continue." });
            case FaultKinds.Paused:
                // BFL has no "paused" answer of its own; during maintenance its front door answers a bare 503 page
                // instead of the API's FastAPI body.
                http.Response.Headers.RetryAfter = "60";
                return Results.Text("<html><body><h1>503 Service Temporarily Unavailable</h1><p>Scheduled maintenance.</p></body></html>",
                    "text/html", Encoding.UTF8, 503);
            case FaultKinds.RateLimit:
                http.Response.Headers.RetryAfter = "2";
                return Json(429, new JsonObject { ["detail"] = "You have reached the maximum number of active tasks. Please wait for a task to finish." });
            case FaultKinds.ServerError:
                return Json(500, new JsonObject { ["detail"] = "Internal Server Error" });
            case FaultKinds.Capacity:
                return Json(503, new JsonObject { ["detail"] = "Service temporarily unavailable due to high load. Please retry shortly." });
            case FaultKinds.InvalidInput:
                return Invalid("width", "Input should be a multiple of 16", "value_error");
            case FaultKinds.MalformedJson:
                return Results.Text("<html><body>502 Bad Gateway</body></html>", "application/json", Encoding.UTF8, 200);
        }
        if (Text(input["prompt"]) is null) return Invalid("prompt", "Field required", "missing");
        foreach (var side in new[] { "width", "height" })
        {
            if (!input.ContainsKey(side)) continue;
            if (Integer(input[side]) is not { } pixels) return Invalid(side, "Input should be a valid integer", "int_type");
            if (pixels < 64 || pixels % 16 != 0) return Invalid(side, "Input should be a multiple of 16 and at least 64", "value_error");
        }
        var format = Text(input["output_format"]) ?? "jpeg";
        if (format is not ("jpeg" or "png")) return Invalid("output_format", "Input should be 'jpeg' or 'png'", "enum");

        var now = context.Time.GetUtcNow();
        var job = EmulatedJob.Create(Provider, model, directive, now, false, Ratio(input), format, 1, null, context.Options.Value);
        var (width, height) = (Integer(input["width"]) ?? 1024, Integer(input["height"]) ?? 1024);
        return Json(200, new JsonObject
        {
            ["id"] = job.Token,
            ["polling_url"] = $"{Origin(http)}{Root}/v1/get_result?id={job.Token}",
            ["cost"] = 4.0,
            ["input_mp"] = 0.0,
            ["output_mp"] = Math.Round(width * height / 1_000_000.0, 2),
        });
    }

    private IResult Poll(HttpContext http)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        var id = http.Request.Query["id"].ToString();
        var body = new JsonObject { ["id"] = id, ["status"] = "Task not found", ["result"] = null, ["progress"] = null, ["details"] = null, ["preview"] = null };
        if (!EmulatedJob.TryDecode(id, context.Options.Value, out var job) || job.Provider != Provider) return Json(200, body);

        var now = context.Time.GetUtcNow();
        switch (job.StateAt(now, false))
        {
            case EmulatedState.Queued:
                body["status"] = "Pending";
                break;
            case EmulatedState.Running:
                body["status"] = "Pending";
                body["progress"] = job.NeverFinishes ? 0.5 : Math.Round((now - job.CreatedAt) / (job.ReadyAt - job.CreatedAt), 2);
                break;
            case EmulatedState.Moderated:
                var early = job.Kind == FaultKinds.Moderation;
                body["status"] = early ? "Request Moderated" : "Content Moderated";
                body["details"] = new JsonObject { ["moderation_reasons"] = new JsonArray(early ? "Derivative Works Filter" : "NSFW") };
                break;
            default:
                body["status"] = "Ready";
                body["result"] = new JsonObject
                {
                    ["sample"] = EmulatorFiles.Url(Origin(http), job, 0),
                    ["seed"] = job.CreatedAt.ToUnixTimeMilliseconds() % 1_000_000,
                    ["start_time"] = job.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
                    ["end_time"] = job.ReadyAt.ToUnixTimeMilliseconds() / 1000.0,
                    ["duration"] = (job.ReadyAt - job.CreatedAt).TotalSeconds,
                };
                break;
        }
        // Observed on BFL's polls: a hint to keep polling about once a second.
        http.Response.Headers.RetryAfter = "1";
        return Json(200, body);
    }

    /// <summary>The picture's ratio from <c>width</c>/<c>height</c> (FLUX.2, FLUX1.1 [pro]) or <c>aspect_ratio</c> (Ultra).</summary>
    private static string Ratio(JsonObject input)
    {
        if (Integer(input["width"]) is { } w && Integer(input["height"]) is { } h) return $"{w}:{h}";
        return Text(input["aspect_ratio"])?.Split(':') is [var a, var b] && int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x)
            && int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && x > 0 && y > 0
            ? $"{x}:{y}"
            : "1:1";
    }

    private static IResult? Unauthenticated(HttpContext http)
        => http.Request.Headers["x-key"].ToString().Length > 0
            ? null
            : Json(403, new JsonObject { ["detail"] = "Not authenticated - Invalid Authentication" });

    private static IResult Invalid(string field, string message, string type)
        => Json(422, new JsonObject
        {
            ["detail"] = new JsonArray(new JsonObject { ["loc"] = new JsonArray("body", field), ["msg"] = message, ["type"] = type }),
        });

    private static IResult Json(int status, JsonObject body) => Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";


    private static int? Integer(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
