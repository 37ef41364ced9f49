using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers.Emulator;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.AlibabaCloud;

/// <summary>
/// Alibaba Cloud Model Studio's native DashScope API (providers.md §6). Qwen-Image answers synchronously on
/// <c>multimodal-generation</c>; Wan video and Wan text-to-image are tasks (<c>X-DashScope-Async: enable</c>),
/// polled at <c>GET /tasks/{task_id}</c> and cancelled, while still <c>PENDING</c>, at <c>POST /tasks/{task_id}/cancel</c>.
/// Every body nests <c>{model, input, parameters}</c>; outputs are signed OSS URLs valid 24 h.
/// </summary>
public sealed class AlibabaCloudAdapter(ProviderSettings settings, ProviderHttp http, EmulatorAddress emulator) : IPollingAdapter, ICancelingAdapter
{
    public const string ProviderId = "alibabacloud";
    public const string AsyncHeader = "X-DashScope-Async";
    public const string EmulatorKey = "sk-emulator";
    public const string MultimodalPath = "services/aigc/multimodal-generation/generation";
    public const string VideoPath = "services/aigc/video-generation/video-synthesis";
    public const string TextToImagePath = "services/aigc/text2image/image-synthesis";
    public const string ImageToImagePath = "services/aigc/image2image/image-synthesis";

    // A multimodal binding names the prompt "text" (and reference images "image"): each becomes a message content item.
    private const string TextField = "text";
    private const string ImageField = "image";

    /// <summary>Native names that belong in a task's <c>input</c>; every other native name is one of its <c>parameters</c>.</summary>
    private static readonly HashSet<string> TaskInputFields = new(StringComparer.Ordinal)
    {
        "prompt", "negative_prompt", "img_url", "first_frame_url", "last_frame_url", "audio_url", "media", "function",
        "ref_images_url", "base_image_url", "mask_image_url", "images",
    };

    /// <summary>Native names that select an image task working from inputs (Wan image edit and image-to-image).</summary>
    private static readonly HashSet<string> ImageInputFields = new(StringComparer.Ordinal) { "base_image_url", "images" };

    /// <summary>
    /// The asset types of <c>input.media</c>, the list Wan 2.7 and HappyHorse take instead of separate URL fields: a
    /// binding names the type as the native parameter and each URL becomes one <c>{type, url}</c> item, in order.
    /// </summary>
    public static readonly IReadOnlySet<string> MediaTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "first_frame", "last_frame", "driving_audio", "first_clip", "reference_image", "reference_video", "video",
    };

    private static readonly KeyValuePair<string, string>[] AsyncHeaders = [new(AsyncHeader, "enable")];

    public string Id => ProviderId;
    public bool Emulated => settings.Emulated;

    private string BaseUrl => settings.BaseUrlFor(emulator, "/api/v1");

    /// <summary>One create call: the path under <c>/api/v1</c>, whether it is a task, and the nested body.</summary>
    internal sealed record Call(string Path, bool Async, JsonObject Body);

    public async Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct)
    {
        var call = Build(request);
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Post, $"{BaseUrl}/{call.Path}", call.Body, Authorize, ct,
            call.Async ? AsyncHeaders : null);
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        var json = response!.Json() as JsonObject;
        if (!response.IsSuccess || HasCode(json)) return new SubmitOutcome.Failed(AlibabaCloudErrors.FromResponse(response));
        if (json is null) return new SubmitOutcome.Failed(Malformed(response));

        if (call.Async)
        {
            if (Text((json["output"] as JsonObject)?["task_id"]) is not { } id) return new SubmitOutcome.Failed(Malformed(response));
            // DashScope returns no URLs for a task: its documented task paths are the ones to keep.
            var task = $"{BaseUrl}/tasks/{Uri.EscapeDataString(id)}";
            return new SubmitOutcome.Accepted(new ProviderJob(ProviderId, id, task, task + "/cancel"));
        }
        var images = ((json["output"] as JsonObject)?["choices"] as JsonArray ?? [])
            .SelectMany(c => ((c as JsonObject)?["message"] as JsonObject)?["content"] as JsonArray ?? [])
            .Select(item => Text((item as JsonObject)?[ImageField])).OfType<string>()
            .Select(url => new ProviderOutput(url, null, null)).ToList();
        return images.Count > 0
            ? new SubmitOutcome.Completed(images, null)
            : new SubmitOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "DashScope answered without an image."));
    }

    public async Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Get, job.PollUrl ?? $"{BaseUrl}/tasks/{Uri.EscapeDataString(job.JobId)}",
            null, Authorize, ct);
        if (failure is not null) return failure.IsTransient ? new PollOutcome.Running() : new PollOutcome.Failed(failure);
        var json = response!.Json() as JsonObject;
        if (!response.IsSuccess || HasCode(json))
        {
            var error = AlibabaCloudErrors.FromResponse(response);
            return error.IsTransient ? new PollOutcome.Running() : new PollOutcome.Failed(error);
        }
        return json?["output"] is JsonObject output ? Read(output) : new PollOutcome.Failed(Malformed(response));
    }

    public async Task<bool> CancelAsync(ProviderJob job, CancellationToken ct)
    {
        // Only a PENDING task can be cancelled; a running one answers UnsupportedOperation and runs on.
        var (response, _) = await http.SendJsonAsync(HttpMethod.Post, job.CancelUrl ?? $"{BaseUrl}/tasks/{Uri.EscapeDataString(job.JobId)}/cancel",
            null, Authorize, ct);
        return response?.IsSuccess == true && !HasCode(response.Json() as JsonObject);
    }

    // OSS URLs carry their own signature: the key never leaves for the file host.
    public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct) => http.DownloadAsync(output, ct);

    /// <summary>
    /// The endpoint follows the binding: an image binding that names the prompt <c>text</c> is a Qwen-Image
    /// message (synchronous); an image binding with a base image or input images is an image-to-image task, any
    /// other image binding a text-to-image task, and every video a video-synthesis task. The flat native input is
    /// nested into DashScope's <c>input</c> (media assets as <c>input.media</c>) and <c>parameters</c>.
    /// </summary>
    internal static Call Build(ProviderRequest request)
    {
        var native = request.NativeInput;
        var input = new JsonObject();
        var parameters = new JsonObject();
        var multimodal = request.MediaType == MediaType.Image && native.ContainsKey(TextField);
        if (multimodal)
        {
            // Reference images come before the instruction, as Qwen-Image-Edit reads them.
            var content = new JsonArray();
            foreach (var url in Urls(native[ImageField])) content.Add((JsonNode)new JsonObject { [ImageField] = url });
            content.Add((JsonNode)new JsonObject { [TextField] = native[TextField]?.DeepClone() });
            input["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content });
        }
        var media = new JsonArray();
        foreach (var (name, value) in native)
        {
            if (multimodal && name is TextField or ImageField) continue;
            if (!multimodal && MediaTypes.Contains(name))
            {
                foreach (var url in Urls(value)) media.Add((JsonNode)new JsonObject { ["type"] = name, ["url"] = url });
                continue;
            }
            (!multimodal && TaskInputFields.Contains(name) ? input : parameters)[name] = value?.DeepClone();
        }
        if (media.Count > 0) input["media"] = media;
        if (Text(parameters["size"]) is { } size) parameters["size"] = Size(size);

        var path = multimodal ? MultimodalPath
            : request.MediaType == MediaType.Video ? VideoPath
            : native.Any(p => ImageInputFields.Contains(p.Key)) ? ImageToImagePath
            : TextToImagePath;
        return new Call(path, !multimodal, new JsonObject { ["model"] = request.ProviderModel, ["input"] = input, ["parameters"] = parameters });
    }

    /// <summary>DashScope spells sizes <c>W*H</c>; a catalog value written <c>WxH</c> is respelled, anything else kept.</summary>
    internal static string Size(string size)
        => size.Split('x', 'X') is [var w, var h] && w.Length > 0 && h.Length > 0 && w.All(char.IsAsciiDigit) && h.All(char.IsAsciiDigit)
            ? $"{w}*{h}"
            : size;

    private static PollOutcome Read(JsonObject output)
    {
        switch (Text(output["task_status"]))
        {
            case "SUCCEEDED":
                // Video tasks answer one video_url; image tasks a results list whose failed items carry a code instead.
                List<string> urls = Text(output["video_url"]) is { } video
                    ? [video]
                    : (output["results"] as JsonArray ?? []).Select(r => Text((r as JsonObject)?["url"])).OfType<string>().ToList();
                return urls.Count > 0
                    ? new PollOutcome.Succeeded(urls.Select(u => new ProviderOutput(u, null, null)).ToList(), null)
                    : new PollOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "The task succeeded without outputs."));
            case "FAILED":
                return new PollOutcome.Failed(AlibabaCloudErrors.FromTaskFailure(Text(output["code"]), Text(output["message"])));
            case "CANCELED":
                return new PollOutcome.Failed(new ProviderFailure(FailureKind.Canceled, "The task was canceled."));
            case "UNKNOWN":
                // DashScope's answer for an id it does not hold: never created here, or older than its 24 h.
                return new PollOutcome.Failed(new ProviderFailure(FailureKind.ServerError, "DashScope no longer knows the task."));
            default:
                // PENDING, RUNNING, SUSPENDED, and any status DashScope adds later.
                return new PollOutcome.Running();
        }
    }

    private static IEnumerable<string> Urls(JsonNode? node) => node switch
    {
        JsonArray list => list.Select(Text).OfType<string>(),
        _ when Text(node) is { } one => [one],
        _ => [],
    };

    private static bool HasCode(JsonObject? json) => Text(json?["code"]) is not null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static ProviderFailure Malformed(ProviderHttp.Response r)
        => new(FailureKind.ServerError, $"DashScope answered {r.Code} with a body it does not document: {r.Snippet()}");

    private void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new("Bearer", settings.ApiKey ?? EmulatorKey);
}
