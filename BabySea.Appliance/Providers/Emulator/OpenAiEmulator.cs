using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.OpenAi;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// OpenAI Images (providers.md §3) served by the appliance: <c>/v1/images/generations</c> (JSON) and
/// <c>/v1/images/edits</c> (multipart), synchronous, answering base64 images and OpenAI's error bodies, with every
/// fault of <see cref="FaultKinds"/> answered the way OpenAI answers it.
/// </summary>
public sealed class OpenAiEmulator(EmulatorContext context) : IProviderEmulator
{
    private static readonly string[] Sizes = ["1024x1024", "1536x1024", "1024x1536", "auto"];
    private static readonly string[] Formats = ["png", "jpeg", "webp"];
    private const int MaxImages = 16;

    public string Provider => OpenAiAdapter.ProviderId;

    public void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/emulator/openai/v1");
        v1.MapPost("/images/generations", (HttpContext http, CancellationToken aborted) => GenerateAsync(http, aborted));
        v1.MapPost("/images/edits", (HttpContext http, CancellationToken aborted) => EditAsync(http, aborted));
    }

    /// <summary>The parameters both endpoints share, as text whichever way they arrived.</summary>
    private sealed record ImageCall(string? Model, string? Prompt, string? Size, string? Format, string? N, string? Quality);

    private async Task<IResult> GenerateAsync(HttpContext http, CancellationToken aborted)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        JsonObject? body;
        try { body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: aborted) as JsonObject; }
        catch (JsonException) { body = null; }
        if (body is null)
            return Error(400, "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.", "invalid_request_error", null, null);
        if (body.ContainsKey("input_fidelity"))
            return Error(400, "Unknown parameter: 'input_fidelity'.", "invalid_request_error", "input_fidelity", "unknown_parameter");
        if (UnknownParameter(Text(body["model"]) ?? "", body.Select(p => p.Key)) is { } unknown) return unknown;
        return await AnswerAsync(http, new ImageCall(Text(body["model"]), Text(body["prompt"]), Text(body["size"]),
            Text(body["output_format"]), Text(body["n"]), Text(body["quality"])), aborted);
    }

    private async Task<IResult> EditAsync(HttpContext http, CancellationToken aborted)
    {
        if (Unauthenticated(http) is { } denied) return denied;
        if (!http.Request.HasFormContentType)
            return Error(400, $"Invalid Content-Type header ({http.Request.ContentType}), expected multipart/form-data.", "invalid_request_error", null, "invalid_content_type");
        var form = await http.Request.ReadFormAsync(aborted);
        var images = form.Files.Where(f => f.Name is "image" or "image[]").ToList();
        if (images.Count == 0) return Error(400, "Missing required parameter: 'image'.", "invalid_request_error", "image", "missing_required_parameter");
        if (images.Count > MaxImages)
            return Error(400, $"Too many images: at most {MaxImages} can be edited together.", "invalid_request_error", "image", "invalid_value");
        for (var i = 0; i < images.Count; i++)
        {
            using var stream = new MemoryStream();
            await images[i].CopyToAsync(stream, aborted);
            if (MediaSniffer.Detect(stream.ToArray())?.ContentType.StartsWith("image/", StringComparison.Ordinal) != true)
                return Error(400, $"Invalid image file or mode for image {i + 1}, please check your image file.", "invalid_request_error", "image", "invalid_image_file");
        }
        if (UnknownParameter((form["model"].ToString() is { Length: > 0 } m ? m : "gpt-image-1.5") + "/edits",
                form.Keys.Concat(form.Files.Select(f => f.Name)).Distinct()) is { } unknown)
            return unknown;
        if (form["input_fidelity"].ToString() is { Length: > 0 } fidelity && fidelity is not ("high" or "low"))
            return Error(400, $"Invalid value: '{fidelity}'. Supported values are: 'high' and 'low'.", "invalid_request_error", "input_fidelity", "invalid_value");
        string? Field(string name) => form[name].ToString() is { Length: > 0 } v ? v : null;
        // Edits default to gpt-image-1.5, generations to dall-e-2.
        return await AnswerAsync(http, new ImageCall(Field("model") ?? "gpt-image-1.5", Field("prompt"), Field("size"), Field("output_format"), Field("n"), Field("quality")), aborted);
    }

    private async Task<IResult> AnswerAsync(HttpContext http, ImageCall call, CancellationToken aborted)
    {
        if (string.IsNullOrWhiteSpace(call.Prompt))
            return Error(400, "Missing required parameter: 'prompt'.", "invalid_request_error", "prompt", "missing_required_parameter");
        var directive = context.Faults.Choose(Provider, call.Prompt);
        switch (directive.Kind)
        {
            case FaultKinds.BadKey:
                return Error(401, "Incorrect API key provided: sk-emu*****ator. You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, "invalid_api_key");
            case FaultKinds.NoCredits:
                return Error(429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", null, "insufficient_quota");
            case FaultKinds.Paused:
                // OpenAI has no paused state; the closest is the organization losing access to the model while
                // the key stays valid: 403, as for an unverified organization or an unsupported region.
                return Error(403, "Your organization must be verified to use the model. Please go to https://platform.openai.com/settings/organization/general and click on Verify Organization.",
                    "invalid_request_error", null, null);
            case FaultKinds.RateLimit:
                http.Response.Headers["x-ratelimit-limit-requests"] = "5";
                http.Response.Headers["x-ratelimit-remaining-requests"] = "0";
                http.Response.Headers["x-ratelimit-reset-requests"] = "2s";
                http.Response.Headers.RetryAfter = "2";
                return Error(429, "Rate limit reached for images per minute (IPM): Limit 5, Used 5, Requested 1. Please try again in 2s.",
                    "requests", null, "rate_limit_exceeded");
            case FaultKinds.ServerError:
                return Error(500, "The server had an error while processing your request. Sorry about that!", "server_error", null, null);
            case FaultKinds.Capacity:
                return Error(503, "The engine is currently overloaded, please try again later.", "server_error", null, null);
            case FaultKinds.Moderation:
                return Moderated();
            case FaultKinds.InvalidInput:
                return InvalidValue("size", "512x512", Sizes);
            case FaultKinds.MalformedJson:
                return Results.Text("{\"created\":1767000000,\"data\":[{\"b64_json\":\"iVBORw0K", "application/json", Encoding.UTF8, 200);
        }
        if (call.Size is { } size && !Sizes.Contains(size)) return InvalidValue("size", size, Sizes);
        var format = call.Format ?? "png";
        if (!Formats.Contains(format)) return InvalidValue("output_format", format, Formats);
        var n = 1;
        if (call.N is { } count && (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n is < 1 or > 10))
            return Error(400, $"Invalid 'n': integer between 1 and 10 expected, got '{count}'.", "invalid_request_error", "n", "invalid_value");

        var job = EmulatedJob.Create(Provider, call.Model ?? "dall-e-2", directive, context.Time.GetUtcNow(), false,
            call.Size is null or "auto" ? "1:1" : call.Size, format, n, null, context.Options.Value);
        if (!await context.HoldUntilReadyAsync(job, aborted)) return Results.Empty;
        // Output moderation runs after the image is made: the held call ends with the refusal.
        if (job.Kind == FaultKinds.ModerationLate) return Moderated();

        var data = new JsonArray();
        // expired_output: nothing here expires, so the closest is an answer that lacks the images.
        if (job.Kind != FaultKinds.ExpiredOutput)
            for (var i = 0; i < job.Count; i++)
                data.Add((JsonNode)new JsonObject { ["b64_json"] = Convert.ToBase64String(context.Files.Render(job, i).Bytes) });
        var body = new JsonObject
        {
            ["created"] = job.CreatedAt.ToUnixTimeSeconds(),
            ["background"] = "opaque",
            ["output_format"] = format,
            ["quality"] = call.Quality ?? "auto",
            ["size"] = call.Size ?? "1024x1024",
            ["data"] = data,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = 14,
                ["input_tokens_details"] = new JsonObject { ["image_tokens"] = 0, ["text_tokens"] = 14 },
                ["output_tokens"] = 1056 * job.Count,
                ["total_tokens"] = 14 + 1056 * job.Count,
            },
        };
        return Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, 200);
    }

    private static IResult? Unauthenticated(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.Ordinal) && auth.Length > 7
            ? null
            : Error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                "invalid_request_error", null, null);
    }

    private IResult? UnknownParameter(string model, IEnumerable<string> names)
        => NativeSchemas.FirstUnknown(Provider, model, names) is { } unknown
            ? Error(400, $"Unknown parameter: '{unknown}'.", "invalid_request_error", unknown, "unknown_parameter")
            : null;

    private static IResult Moderated()
        => Error(400, "Your request was rejected as a result of our safety system. Your request may contain content that is not allowed by our safety system.",
            "image_generation_user_error", null, "moderation_blocked");

    private static IResult InvalidValue(string param, string value, string[] supported)
        => Error(400, $"Invalid value: '{value}'. Supported values are: {string.Join(", ", supported.Select(s => $"'{s}'"))}.",
            "invalid_request_error", param, "invalid_value");

    private static IResult Error(int status, string message, string type, string? param, string? code)
        => Results.Text(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        }.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
