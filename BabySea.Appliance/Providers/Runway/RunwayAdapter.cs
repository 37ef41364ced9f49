using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers.Emulator;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Runway;

/// <summary>
/// Runway's developer API (providers.md §5): every create is a task (<c>{"id"}</c> only), polled at
/// <c>GET /v1/tasks/{id}</c> and cancelled (or deleted) with <c>DELETE /v1/tasks/{id}</c>. Outputs are signed
/// CloudFront URLs valid 24–48 h. Every call carries the required <c>X-Runway-Version</c>.
/// </summary>
public sealed class RunwayAdapter(ProviderSettings settings, ProviderHttp http, EmulatorAddress emulator) : IPollingAdapter, ICancelingAdapter
{
    public const string ProviderId = "runway";
    public const string ApiVersion = "2024-11-06";
    public const string VersionHeader = "X-Runway-Version";
    public const string EmulatorKey = "key_emulator";

    private static readonly KeyValuePair<string, string>[] Versioned = [new(VersionHeader, ApiVersion)];

    /// <summary>
    /// Gen-4 images take their resolution from the ratio value itself (<c>1920:1080</c> is 1080p, <c>1280:720</c>
    /// 720p). The catalog maps ratios to the 1080p values; a 720p request is re-spelled here from the unified ratio.
    /// </summary>
    private static readonly Dictionary<string, string> ImageRatios720 = new(StringComparer.Ordinal)
    {
        ["16:9"] = "1280:720", ["9:16"] = "720:1280", ["1:1"] = "720:720", ["4:3"] = "960:720", ["3:4"] = "720:960", ["21:9"] = "1680:720",
    };

    public string Id => ProviderId;
    public bool Emulated => settings.Emulated;

    private string BaseUrl => settings.BaseUrlFor(emulator, "/v1");

    public async Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct)
    {
        var (endpoint, body) = Build(request);
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Post, $"{BaseUrl}/{endpoint}", body, Authorize, ct, Versioned);
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        if (!response!.IsSuccess) return new SubmitOutcome.Failed(RunwayErrors.FromResponse(response));
        if (response.Json() is not JsonObject created || Text(created["id"]) is not { Length: > 0 } id)
            return new SubmitOutcome.Failed(Malformed(response));
        // Runway hands back nothing but the id: its documented task URL is the one to keep.
        var task = $"{BaseUrl}/tasks/{Uri.EscapeDataString(id)}";
        return new SubmitOutcome.Accepted(new ProviderJob(ProviderId, id, task, task));
    }

    public async Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Get, job.PollUrl ?? TaskUrl(job), null, Authorize, ct, Versioned);
        if (failure is not null) return failure.IsTransient ? new PollOutcome.Running() : new PollOutcome.Failed(failure);
        if (!response!.IsSuccess)
        {
            var error = RunwayErrors.FromResponse(response);
            return error.IsTransient ? new PollOutcome.Running() : new PollOutcome.Failed(error);
        }
        return response.Json() is JsonObject task ? Read(task) : new PollOutcome.Failed(Malformed(response));
    }

    public async Task<bool> CancelAsync(ProviderJob job, CancellationToken ct)
    {
        // Cancels a pending, throttled or running task; a finished one is deleted instead. Either way 204.
        var (response, _) = await http.SendJsonAsync(HttpMethod.Delete, job.CancelUrl ?? TaskUrl(job), null, Authorize, ct, Versioned);
        return response?.IsSuccess == true;
    }

    // The output URLs are signed on their own: the key never leaves for the file host.
    public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct) => http.DownloadAsync(output, ct);

    /// <summary>
    /// The create endpoint follows from the media type and the inputs the binding filled: an image is always
    /// <c>text_to_image</c> (reference images ride along); a video with <c>videoUri</c> is <c>video_to_video</c>,
    /// with <c>promptImage</c> <c>image_to_video</c>, otherwise <c>text_to_video</c>.
    /// </summary>
    internal static (string Endpoint, JsonObject Body) Build(ProviderRequest request)
    {
        var body = new JsonObject { ["model"] = request.ProviderModel };
        foreach (var (name, value) in request.NativeInput) body[name] = value?.DeepClone();
        // The catalog gives plain URLs; Runway wants each reference image as {uri}.
        if (body["referenceImages"] is JsonArray references)
            body["referenceImages"] = new JsonArray(references
                .Select(r => Text(r) is { } uri ? new JsonObject { ["uri"] = uri } : r?.DeepClone())
                .ToArray());
        if (request.MediaType == MediaType.Image && body.ContainsKey("ratio") && request.Unified.Resolution == "720p"
            && ImageRatios720.TryGetValue(request.Unified.Ratio, out var ratio720))
            body["ratio"] = ratio720;
        var endpoint = request.MediaType == MediaType.Image ? "text_to_image"
            : body.ContainsKey("videoUri") ? "video_to_video"
            : body.ContainsKey("promptImage") ? "image_to_video"
            : "text_to_video";
        return (endpoint, body);
    }

    private static PollOutcome Read(JsonObject task)
    {
        switch (Text(task["status"]))
        {
            case "SUCCEEDED":
                var outputs = (task["output"] as JsonArray ?? [])
                    .Select(Text).OfType<string>().Select(url => new ProviderOutput(url, null, null)).ToList();
                return outputs.Count > 0
                    ? new PollOutcome.Succeeded(outputs, null)
                    : new PollOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "The task succeeded without outputs."));
            case "FAILED":
                return new PollOutcome.Failed(RunwayErrors.FromTaskFailure(Text(task["failureCode"]), Text(task["failure"])));
            case "CANCELLED":
                return new PollOutcome.Failed(new ProviderFailure(FailureKind.Canceled, "The task was cancelled."));
            default:
                // PENDING, THROTTLED (waiting for a concurrency slot), RUNNING, and any status Runway adds later.
                return new PollOutcome.Running();
        }
    }


    private string TaskUrl(ProviderJob job) => $"{BaseUrl}/tasks/{Uri.EscapeDataString(job.JobId)}";

    private static ProviderFailure Malformed(ProviderHttp.Response r)
        => new(FailureKind.ServerError, $"Runway answered {r.Code} with a body that is not a task: {r.Snippet()}");

    private void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new("Bearer", settings.ApiKey ?? EmulatorKey);
}
