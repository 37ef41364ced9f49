using System.Globalization;
using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers.Emulator;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Fal;

/// <summary>
/// fal's queue API (providers.md §2): submit to <c>queue.fal.run/{model}</c>, poll the <c>status_url</c>, read the
/// <c>response_url</c> once the request is <c>COMPLETED</c>, cancel with the <c>cancel_url</c>. Those URLs drop the
/// model's subpath, so only the ones fal returned are ever used. Requests with input files go to the model's edit
/// (image) or image-to-video (video) endpoint, which is where fal serves them.
/// </summary>
public sealed class FalAdapter(ProviderSettings settings, ProviderHttp http, EmulatorAddress emulator) : IPollingAdapter, ICancelingAdapter
{
    public const string ProviderId = "fal";

    /// <summary>Shaped like a real fal key (<c>key_id:key_secret</c>), which the emulator checks as fal does.</summary>
    public const string EmulatorKey = "emulator-key-id:emulator-key-secret";

    // These apps take image_size as their own literal enum ("1024x1024", "1536x1024", ...), not {width, height}.
    private static readonly string[] LiteralSizeApps = ["fal-ai/gpt-image"];

    public string Id => ProviderId;
    public bool Emulated => settings.Emulated;

    private string BaseUrl => settings.BaseUrlFor(emulator);

    public async Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct)
    {
        var endpoint = Endpoint(request.ProviderModel, request.MediaType, request.Unified.InputFiles.Count > 0);
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Post, $"{BaseUrl}/{endpoint}", Body(endpoint, request.NativeInput), Authorize, ct);
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        if (!response!.IsSuccess) return new SubmitOutcome.Failed(FalErrors.FromResponse(response));
        if (response.Json() is not JsonObject queued || Text(queued["request_id"]) is not { } id || Text(queued["status_url"]) is not { } statusUrl)
            return new SubmitOutcome.Failed(Malformed(response));
        return new SubmitOutcome.Accepted(new ProviderJob(ProviderId, id, statusUrl, Text(queued["cancel_url"])));
    }

    public async Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Get, job.PollUrl!, null, Authorize, ct);
        if (failure is not null) return RunningIfTransient(failure);
        if (!response!.IsSuccess) return RunningIfTransient(FalErrors.FromResponse(response));
        if (response.Json() is not JsonObject status) return new PollOutcome.Failed(Malformed(response));

        // IN_QUEUE, IN_PROGRESS and any status fal adds later: still running, never success.
        if (Text(status["status"]) != "COMPLETED") return new PollOutcome.Running();
        if (Text(status["error"]) is { } error) return new PollOutcome.Failed(FalErrors.FromRequestError(Text(status["error_type"]), error));

        var resultUrl = Text(status["response_url"]) ?? ResultUrlOf(job.PollUrl!);
        var (result, resultFailure) = await http.SendJsonAsync(HttpMethod.Get, resultUrl, null, Authorize, ct);
        if (resultFailure is not null) return RunningIfTransient(resultFailure);
        if (!result!.IsSuccess)
        {
            // The request has finished, so the result's error is its final answer (a model's 422, a runner's 5xx);
            // only throttling of this read is worth another poll.
            var resultError = FalErrors.FromResponse(result);
            return resultError.Kind == FailureKind.RateLimited ? new PollOutcome.Running() : new PollOutcome.Failed(resultError);
        }
        return result.Json() is JsonObject output
            ? Read(output, Number(status["metrics"] is JsonObject m ? m["inference_time"] : null))
            : new PollOutcome.Failed(Malformed(result));
    }

    public async Task<bool> CancelAsync(ProviderJob job, CancellationToken ct)
    {
        if (job.CancelUrl is null) return false;
        var (response, _) = await http.SendJsonAsync(HttpMethod.Put, job.CancelUrl, null, Authorize, ct);
        return response?.IsSuccess == true;
    }

    // fal's CDN links are public: the key is never sent to a file host.
    public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct) => http.DownloadAsync(output, ct);

    /// <summary>
    /// The endpoint a request goes to. fal serves editing and image-to-video as sibling endpoints of the
    /// text-to-X model: <c>…/text-to-image</c> becomes <c>…/edit</c>, <c>…/text-to-video</c> becomes
    /// <c>…/image-to-video</c>, and a bare model gains the suffix (<c>fal-ai/flux-2-pro/edit</c>, <c>fal-ai/veo2/image-to-video</c>).
    /// An app that exists only to work from inputs (<c>fal-ai/qwen-image-edit</c>, <c>…/seededit/v3/edit-image</c>,
    /// <c>fal-ai/flux-pro/kontext</c>, an <c>…/image-to-video</c> app) has no sibling and is used as is.
    /// </summary>
    internal static string Endpoint(string model, MediaType type, bool hasInputFiles)
    {
        if (!hasInputFiles || TakesInputItself(model)) return model;
        var (plain, withFiles) = type == MediaType.Video ? ("/text-to-video", "/image-to-video") : ("/text-to-image", "/edit");
        return model.EndsWith(plain, StringComparison.Ordinal) ? model[..^plain.Length] + withFiles : model + withFiles;
    }

    private static bool TakesInputItself(string model)
    {
        var app = model[(model.LastIndexOf('/') + 1)..];
        return model.Contains("edit", StringComparison.Ordinal) || model.Contains("/kontext", StringComparison.Ordinal)
            || (app.EndsWith("-to-video", StringComparison.Ordinal) && app != "text-to-video");
    }

    /// <summary>The submit body is the model input itself; a "WxH" <c>image_size</c> becomes fal's <c>{width, height}</c>.</summary>
    internal static JsonObject Body(string endpoint, JsonObject native)
    {
        var body = (JsonObject)native.DeepClone();
        if (Text(body["image_size"]) is { } size && TrySplitSize(size, out var width, out var height)
            && !LiteralSizeApps.Any(app => endpoint.StartsWith(app, StringComparison.Ordinal)))
            body["image_size"] = new JsonObject { ["width"] = width, ["height"] = height };
        return body;
    }

    /// <summary>Images (<c>images[]</c> or <c>image</c>) or a <c>video</c>; outputs fal's safety checker flagged are dropped.</summary>
    private static PollOutcome Read(JsonObject result, double? seconds)
    {
        var outputs = new List<ProviderOutput>();
        var flagged = 0;
        if (result["images"] is JsonArray images)
        {
            var nsfw = result["has_nsfw_concepts"] as JsonArray;
            for (var i = 0; i < images.Count; i++)
            {
                // Some FLUX apps answer a black image and has_nsfw_concepts[i] = true instead of a 422.
                if (nsfw is not null && i < nsfw.Count && nsfw[i] is JsonValue f && f.TryGetValue<bool>(out var isNsfw) && isNsfw) flagged++;
                else if (Output(images[i]) is { } output) outputs.Add(output);
            }
        }
        foreach (var single in new[] { result["image"], result["video"] })
            if (Output(single) is { } output) outputs.Add(output);

        if (outputs.Count > 0) return new PollOutcome.Succeeded(outputs, seconds);
        return new PollOutcome.Failed(flagged > 0
            ? new ProviderFailure(FailureKind.ContentRejected, "fal's safety checker flagged every output (has_nsfw_concepts).")
            : new ProviderFailure(FailureKind.OutputInvalid, "fal's result has no image or video file."));
    }

    private static ProviderOutput? Output(JsonNode? file)
    {
        if (file is not JsonObject o || Text(o["url"]) is not { } url) return null;
        var contentType = Text(o["content_type"]);
        if (!url.StartsWith("data:", StringComparison.Ordinal)) return new ProviderOutput(url, null, contentType);
        // sync_mode answers carry the media inline as a base64 data URI instead of a CDN link.
        var comma = url.IndexOf(',');
        if (comma < 0 || !url.AsSpan(0, comma).EndsWith(";base64", StringComparison.Ordinal)) return null;
        try { return new ProviderOutput(null, Convert.FromBase64String(url[(comma + 1)..]), url[5..(comma - 7)]); }
        catch (FormatException) { return null; }
    }

    /// <summary>
    /// Status answers carry <c>response_url</c>; should one not, fal's documented result URL is the status URL
    /// without its <c>/status</c> suffix, so the URL fal gave is still the only source.
    /// </summary>
    private static string ResultUrlOf(string statusUrl)
    {
        var query = statusUrl.IndexOf('?');
        var path = query < 0 ? statusUrl : statusUrl[..query];
        return path.EndsWith("/status", StringComparison.Ordinal) ? path[..^"/status".Length] : path;
    }

    private static PollOutcome RunningIfTransient(ProviderFailure failure)
        => failure.Kind is FailureKind.RateLimited or FailureKind.ServerError or FailureKind.Capacity or FailureKind.Timeout or FailureKind.ServicePaused
            ? new PollOutcome.Running()
            : new PollOutcome.Failed(failure);

    private static ProviderFailure Malformed(ProviderHttp.Response r)
        => new(FailureKind.ServerError, $"fal answered {r.Code} with a body that is not what the queue API returns: {r.Snippet()}");



    private void Authorize(HttpRequestMessage request)
        => request.Headers.TryAddWithoutValidation("Authorization", $"Key {settings.ApiKey ?? EmulatorKey}");
}
