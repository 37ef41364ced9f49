using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers.Emulator;
using static BabySea.Appliance.Providers.ProviderJson;
using BabySea.Appliance.Providers;

namespace BabySea.Appliance.Providers.BytePlus;

/// <summary>
/// BytePlus ModelArk (providers.md §7): Seedream images are synchronous (<c>POST /images/generations</c> answers
/// with the images), Seedance videos are tasks (create, poll <c>GET /contents/generations/tasks/{id}</c>, cancel
/// with <c>DELETE</c> while queued). Outputs are TOS-signed URLs valid for 24 h, or base64 images.
/// </summary>
public sealed class BytePlusAdapter(ProviderSettings settings, ProviderHttp http, EmulatorAddress emulator) : IPollingAdapter, ICancelingAdapter
{
    public const string ProviderId = "byteplus";
    public const string EmulatorKey = "ark-emulator";

    public string Id => ProviderId;
    public bool Emulated => settings.Emulated;

    private string BaseUrl => settings.BaseUrlFor(emulator, "/api/v3");

    public Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct)
        => request.MediaType == MediaType.Video ? CreateTaskAsync(request, ct) : GenerateImagesAsync(request, ct);

    public async Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Get, job.PollUrl ?? TaskUrl(job.JobId), null, Authorize, ct);
        if (failure is not null) return failure.IsTransient ? new PollOutcome.Running() : new PollOutcome.Failed(failure);
        if (response!.Code == 404)
            // The task record is gone (deleted, or cancelled more than 24 h ago): nothing is left to wait for.
            return new PollOutcome.Failed(new ProviderFailure(FailureKind.ServerError, $"BytePlus no longer knows task {job.JobId}."));
        if (!response.IsSuccess)
        {
            var error = BytePlusErrors.FromResponse(response);
            return error.IsTransient ? new PollOutcome.Running() : new PollOutcome.Failed(error);
        }
        return response.Json() is JsonObject task ? ReadTask(task) : new PollOutcome.Failed(Malformed(response));
    }

    /// <summary>ModelArk cancels only queued tasks; a running one answers an error, which is reported as false.</summary>
    public async Task<bool> CancelAsync(ProviderJob job, CancellationToken ct)
    {
        var (response, _) = await http.SendJsonAsync(HttpMethod.Delete, job.CancelUrl ?? TaskUrl(job.JobId), null, Authorize, ct);
        return response?.IsSuccess == true;
    }

    // TOS links are pre-signed: the ARK key never goes to the file host.
    public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct) => http.DownloadAsync(output, ct);

    private async Task<SubmitOutcome> GenerateImagesAsync(ProviderRequest request, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Post, $"{BaseUrl}/images/generations",
            ImageBody(request.ProviderModel, request.NativeInput), Authorize, ct);
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        if (!response!.IsSuccess) return new SubmitOutcome.Failed(BytePlusErrors.FromResponse(response));
        return response.Json() is JsonObject result ? ReadImages(result) : new SubmitOutcome.Failed(Malformed(response));
    }

    private async Task<SubmitOutcome> CreateTaskAsync(ProviderRequest request, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Post, $"{BaseUrl}/contents/generations/tasks",
            TaskBody(request.ProviderModel, request.NativeInput), Authorize, ct);
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        if (!response!.IsSuccess) return new SubmitOutcome.Failed(BytePlusErrors.FromResponse(response));
        if (ProviderJson.Text((response.Json() as JsonObject)?["id"]) is not { Length: > 0 } id) return new SubmitOutcome.Failed(Malformed(response));
        // ModelArk answers only the id. The task's URL is fixed here and stored, so a restart polls and cancels
        // where the task was created even if the configured base URL changed since.
        var url = TaskUrl(id);
        return new SubmitOutcome.Accepted(new ProviderJob(ProviderId, id, url, url));
    }

    /// <summary>The images body: the mapped parameters plus the model. One reference image goes as a string,
    /// the form every Seedream/SeedEdit version takes (only 4.x and later take a list).</summary>
    internal static JsonObject ImageBody(string model, JsonObject native)
    {
        var body = new JsonObject { ["model"] = model };
        foreach (var (name, value) in native) body[name] = value?.DeepClone();
        if (body["image"] is JsonArray { Count: 1 } single) body["image"] = single[0]!.DeepClone();
        return body;
    }

    /// <summary>
    /// The task body: the prompt and the frame images move into Seedance's ordered <c>content</c> array (text
    /// first, then each image with its role); every other mapped parameter stays a top-level option.
    /// </summary>
    internal static JsonObject TaskBody(string model, JsonObject native)
    {
        var content = new JsonArray();
        var body = new JsonObject { ["model"] = model, ["content"] = content };
        if (ProviderJson.Text(native["text"]) is { Length: > 0 } text) content.Add((JsonNode)new JsonObject { ["type"] = "text", ["text"] = text });
        foreach (var role in BytePlusWire.ImageRoles)
        {
            IEnumerable<string?> urls = native[role] is JsonArray list ? list.Select(ProviderJson.Text) : [ProviderJson.Text(native[role])];
            foreach (var url in urls.OfType<string>())
                content.Add((JsonNode)new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url }, ["role"] = role });
        }
        foreach (var (name, value) in native)
            if (name != "text" && !BytePlusWire.ImageRoles.Contains(name)) body[name] = value?.DeepClone();
        return body;
    }

    internal static SubmitOutcome ReadImages(JsonObject result)
    {
        var outputs = new List<ProviderOutput>();
        JsonNode? itemError = null;
        foreach (var item in (result["data"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (ProviderJson.Text(item["url"]) is { Length: > 0 } url) outputs.Add(new ProviderOutput(url, null, null));
            else if (ProviderJson.Text(item["b64_json"]) is { Length: > 0 } b64) outputs.Add(new ProviderOutput(null, Decode(b64), null));
            // In group mode an image that failed carries its own error in place of the image.
            else itemError ??= item["error"];
        }
        if (outputs.Count > 0) return new SubmitOutcome.Completed(outputs, null);
        return new SubmitOutcome.Failed(itemError is JsonObject
            ? BytePlusErrors.FromTaskError(itemError)
            : new ProviderFailure(FailureKind.OutputInvalid, "BytePlus answered without any image."));
    }

    internal static PollOutcome ReadTask(JsonObject task)
    {
        var status = ProviderJson.Text(task["status"]);
        switch (status)
        {
            case BytePlusWire.Status.Succeeded:
                if (ProviderJson.Text((task["content"] as JsonObject)?["video_url"]) is not { Length: > 0 } url)
                    return new PollOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "The task succeeded without a video_url."));
                // ModelArk reports no run time; created-to-updated (whole seconds, queueing included) is the closest.
                var seconds = ProviderJson.Number(task["updated_at"]) - ProviderJson.Number(task["created_at"]);
                return new PollOutcome.Succeeded([new ProviderOutput(url, null, null)], seconds);
            case BytePlusWire.Status.Failed:
                return new PollOutcome.Failed(BytePlusErrors.FromTaskError(task["error"]));
            case BytePlusWire.Status.Cancelled:
                return new PollOutcome.Failed(new ProviderFailure(FailureKind.Canceled, "The task was cancelled."));
            case BytePlusWire.Status.Expired:
                return new PollOutcome.Failed(new ProviderFailure(FailureKind.Timeout, "The task did not finish within its execution_expires_after."));
            default:
                // queued, running, and any status ModelArk adds later: still running, never success.
                return new PollOutcome.Running();
        }
    }

    /// <summary>Undecodable base64 becomes empty bytes, which routing rejects as an invalid output like any corrupt file.</summary>
    private static byte[] Decode(string b64)
    {
        try { return Convert.FromBase64String(b64); }
        catch (FormatException) { return []; }
    }

    private string TaskUrl(string id) => $"{BaseUrl}/contents/generations/tasks/{Uri.EscapeDataString(id)}";

    private static ProviderFailure Malformed(ProviderHttp.Response r)
        => new(FailureKind.ServerError, $"BytePlus answered {r.Code} with a body that is not what it documents: {r.Snippet()}");

    private void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new("Bearer", settings.ApiKey ?? EmulatorKey);
}
