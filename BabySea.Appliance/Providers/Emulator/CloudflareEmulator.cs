using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.Cloudflare;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// Cloudflare Workers AI (providers.md §8) served by the appliance: <c>/client/v4/accounts/{account_id}/ai/run/{model}</c>,
/// synchronous, answering the JSON envelope with a base64 image (FLUX and most models) or the raw image bytes
/// (the Stable Diffusion family and Phoenix), with every fault of <see cref="FaultKinds"/> answered the way
/// Cloudflare answers it.
/// </summary>
public sealed class CloudflareEmulator(EmulatorContext context) : IProviderEmulator
{
    private const int MaxPromptLength = 2048;

    public string Provider => CloudflareAdapter.ProviderId;

    public void Map(IEndpointRouteBuilder app)
        => app.MapPost("/emulator/cloudflare/client/v4/accounts/{account}/ai/run/{**model}",
            (HttpContext http, string account, string model) => RunAsync(http, account, model));

    private async Task<IResult> RunAsync(HttpContext http, string account, string model)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || auth.Length <= 7)
            return Error(401, CloudflareErrors.AuthenticationError, "Authentication error");
        if (account.Length != 32 || !account.All(char.IsAsciiHexDigitLower))
            return Error(400, 7003, $"Could not route to /client/v4/accounts/{account}/ai/run, perhaps your object identifier is invalid?");
        if (!model.StartsWith("@cf/", StringComparison.Ordinal) && !model.StartsWith("@hf/", StringComparison.Ordinal))
            return Error(400, 5007, $"No such model {model} or task");

        var multipart = CloudflareAdapter.TakesMultipart(model);
        if (multipart != http.Request.HasFormContentType)
            return Error(400, 5006, multipart
                ? "AiError: AiError: this model takes multipart/form-data input, even for a prompt alone"
                : "AiError: AiError: Error: request body must be JSON");
        JsonObject? input;
        if (multipart) input = await FormInputAsync(http);
        else
        {
            try { input = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject; }
            catch (JsonException) { input = null; }
        }
        if (input is null) return Error(400, 3003, "Request is missing headers or body: body");
        if (input["prompt"] is not JsonValue p || !p.TryGetValue<string>(out var prompt) || prompt.Length is 0 or > MaxPromptLength)
            return Error(400, 5006, $"AiError: AiError: Error: required properties at '/' are 'prompt' (1 to {MaxPromptLength} characters)");

        var directive = context.Faults.Choose(Provider, prompt);
        switch (directive.Kind)
        {
            case FaultKinds.BadKey:
                return Error(401, CloudflareErrors.AuthenticationError, "Authentication error");
            case FaultKinds.NoCredits:
                return Error(429, CloudflareErrors.DailyAllocationUsed,
                    "You have used up your daily free allocation of 10,000 neurons. Please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage.");
            case FaultKinds.Paused:
                // Workers AI has no paused state; the closest is the account being blocked from the service.
                return Error(403, CloudflareErrors.AccountBlocked, "Service unavailable for account");
            case FaultKinds.RateLimit:
                // The REST API's own limiter, which (unlike Workers AI's codes) carries Retry-After.
                http.Response.Headers.RetryAfter = "2";
                http.Response.Headers["x-ratelimit-limit"] = "720";
                http.Response.Headers["x-ratelimit-remaining"] = "0";
                return Error(429, 971, "Please wait and consider throttling your request speed");
            case FaultKinds.ServerError:
                return Error(500, 3043, "AiError: Internal server error");
            case FaultKinds.Capacity:
                return Error(429, CloudflareErrors.OutOfCapacity, "No more data centers to forward the request to");
            case FaultKinds.Moderation:
                return Error(400, CloudflareErrors.ContentFlagged, "AiError: Input prompt contains NSFW content.");
            case FaultKinds.InvalidInput:
                return Error(400, 5006, "AiError: AiError: Error: '/steps' must be <= 8");
            case FaultKinds.MalformedJson:
                return Results.Text("<html><body><h1>502 Bad Gateway</h1>cloudflare</body></html>", "application/json", Encoding.UTF8, 200);
        }
        // Workers AI validates input against the model's JSON schema, which allows no additional properties.
        if (NativeSchemas.FirstUnknown(Provider, model, input.Select(p => p.Key)) is { } unknown)
            return Error(400, 5006, $"AiError: AiError: Error: '/' must NOT have additional properties ('{unknown}')");
        if (input["steps"] is JsonValue s && (!s.TryGetValue<int>(out var steps) || steps is < 1 or > 8))
            return Error(400, 5006, "AiError: AiError: Error: '/steps' must be <= 8");

        var raw = RawImageModel(model);
        var job = EmulatedJob.Create(Provider, model, directive, context.Time.GetUtcNow(), false, Ratio(input), raw ? "png" : "jpg", 1, null,
            context.Options.Value);
        if (!await context.HoldUntilReadyAsync(job, http.RequestAborted)) return Results.Empty;
        // Output moderation runs after the image is made: the held call ends with the refusal.
        if (job.Kind == FaultKinds.ModerationLate)
            return Error(400, CloudflareErrors.ContentFlagged, "AiError: Your output has been flagged as NSFW. Please try again with a different prompt.");

        // expired_output: nothing here expires, so the closest is an answer that lacks the image.
        var (bytes, contentType) = job.Kind == FaultKinds.ExpiredOutput ? (Array.Empty<byte>(), "image/png") : context.Files.Render(job, 0);
        if (raw) return Results.Bytes(bytes, contentType);
        var result = new JsonObject();
        if (bytes.Length > 0) result["image"] = Convert.ToBase64String(bytes);
        return Results.Text(new JsonObject { ["result"] = result, ["success"] = true, ["errors"] = new JsonArray(), ["messages"] = new JsonArray() }
            .ToJsonString(), "application/json", Encoding.UTF8, 200);
    }

    /// <summary>
    /// A FLUX.2 form read as the model's input: text parts as values (numbers as numbers, as the schema types them)
    /// and each binary part, present under its name, as the count of bytes it carried.
    /// </summary>
    private static async Task<JsonObject> FormInputAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var input = new JsonObject();
        foreach (var (name, value) in form)
        {
            var text = value.ToString();
            input[name] = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) ? JsonValue.Create(whole)
                : double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number)
                : JsonValue.Create(text);
        }
        foreach (var file in form.Files) input[file.Name] = file.Length;
        return input;
    }

    /// <summary>Models that answer the image bytes themselves instead of the JSON envelope.</summary>
    private static bool RawImageModel(string model)
        => model.Contains("stable-diffusion", StringComparison.Ordinal) || model.Contains("dreamshaper", StringComparison.Ordinal)
           || model.Contains("phoenix", StringComparison.Ordinal);

    private static string Ratio(JsonObject input)
        => input["width"] is JsonValue w && w.TryGetValue<int>(out var width) && width > 0
           && input["height"] is JsonValue h && h.TryGetValue<int>(out var height) && height > 0
            ? $"{width.ToString(CultureInfo.InvariantCulture)}:{height.ToString(CultureInfo.InvariantCulture)}"
            : "1:1";

    private static IResult Error(int status, int code, string message)
        => Results.Text(new JsonObject
        {
            ["result"] = null,
            ["success"] = false,
            ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }),
            ["messages"] = new JsonArray(),
        }.ToJsonString(), "application/json", Encoding.UTF8, status);
}
