using System.Globalization;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.Emulator;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Bfl;

/// <summary>
/// Black Forest Labs' API (providers.md §4): <c>POST /v1/{model}</c>, then poll the <c>polling_url</c> it returns,
/// which often names a regional host where the global one would answer 404. The result is a signed blob URL that
/// expires about ten minutes after generation, so routing downloads it at once. BFL has no cancel.
/// </summary>
public sealed class BflAdapter(ProviderSettings settings, ProviderHttp http, EmulatorAddress emulator) : IPollingAdapter
{
    public const string ProviderId = "bfl";
    public const string EmulatorKey = "bfl_emulator";

    /// <summary>FLUX.2 takes the first reference as <c>input_image</c>, the rest as <c>input_image_2</c> … <c>input_image_8</c>.</summary>
    private const int MaxReferenceImages = 8;

    public string Id => ProviderId;
    public bool Emulated => settings.Emulated;

    private string BaseUrl => settings.BaseUrlFor(emulator);

    public async Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Post, $"{BaseUrl}/v1/{request.ProviderModel}",
            Body(request.NativeInput, request.Unified.InputFiles), Authorize, ct);
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        if (!response!.IsSuccess) return new SubmitOutcome.Failed(BflErrors.FromResponse(response));
        if (response.Json() is not JsonObject task || Text(task["id"]) is not { } id) return new SubmitOutcome.Failed(Malformed(response));

        // Answers from before polling_url existed carried only the id, polled on the host that took the submit.
        var pollUrl = Text(task["polling_url"]) ?? $"{BaseUrl}/v1/get_result?id={Uri.EscapeDataString(id)}";
        if (!Trusted(pollUrl))
            return new SubmitOutcome.Failed(new ProviderFailure(FailureKind.ServerError, $"BFL returned a polling URL outside bfl.ai ({pollUrl}); the key is not sent there."));
        return new SubmitOutcome.Accepted(new ProviderJob(ProviderId, id, pollUrl, null));
    }

    public async Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Get, job.PollUrl!, null,
            r => { if (Trusted(r.RequestUri?.ToString())) Authorize(r); }, ct);
        if (failure is not null) return RunningIfTransient(failure);
        var json = response!.Json() as JsonObject;
        // A poll answer names the task's state even when its HTTP status is an error (e.g. "Task not found").
        if (json is not null && Text(json["status"]) is { } status) return Read(status, json);
        if (!response.IsSuccess) return RunningIfTransient(BflErrors.FromResponse(response));
        return new PollOutcome.Failed(Malformed(response));
    }


    // The sample is a signed blob URL: the signature is the credential, the key never goes to the blob host.
    public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct) => http.DownloadAsync(output, ct);

    /// <summary>
    /// The catalog maps the ratio to one "WxH" value under <c>width</c>; BFL wants integer <c>width</c> and
    /// <c>height</c>. The catalog also passes only the first input file, so the others become the numbered references.
    /// </summary>
    internal static JsonObject Body(JsonObject native, IReadOnlyList<string> inputFiles)
    {
        var body = (JsonObject)native.DeepClone();
        if (Text(body["width"]) is { } size && TrySplitSize(size, out var width, out var height))
        {
            body["width"] = width;
            body["height"] = height;
        }
        if (body.ContainsKey("input_image"))
            for (var i = 1; i < Math.Min(inputFiles.Count, MaxReferenceImages); i++)
                body[$"input_image_{i + 1}"] = inputFiles[i];
        return body;
    }

    private static PollOutcome Read(string status, JsonObject task)
    {
        if (status == "Ready")
        {
            var result = task["result"] as JsonObject;
            if (Text(result?["sample"]) is not { } sample)
                return new PollOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "BFL reported the task Ready without a sample URL."));
            var seconds = Number(result!["duration"]) ?? (Number(result["end_time"]) - Number(result["start_time"]));
            return new PollOutcome.Succeeded([new ProviderOutput(sample, null, null)], seconds);
        }
        // Pending, and Queued/Generating/… that newer models report: still running, never success.
        return BflErrors.FromTaskStatus(status, task["details"]) is { } failure ? new PollOutcome.Failed(failure) : new PollOutcome.Running();
    }

    /// <summary>Polling URLs name regional hosts (<c>api.eu2.bfl.ai</c>, …); the key goes to BFL's hosts only.</summary>
    private bool Trusted(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Host, new Uri(BaseUrl).Host, StringComparison.OrdinalIgnoreCase)) return true;
        return uri.Scheme == Uri.UriSchemeHttps && (uri.Host is "bfl.ai" or "bfl.ml"
            || uri.Host.EndsWith(".bfl.ai", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".bfl.ml", StringComparison.OrdinalIgnoreCase));
    }

    private static PollOutcome RunningIfTransient(ProviderFailure failure)
        => failure.Kind is FailureKind.RateLimited or FailureKind.ServerError or FailureKind.Capacity or FailureKind.Timeout or FailureKind.ServicePaused
            ? new PollOutcome.Running()
            : new PollOutcome.Failed(failure);

    private static ProviderFailure Malformed(ProviderHttp.Response r)
        => new(FailureKind.ServerError, $"BFL answered {r.Code} with a body that is not a task: {r.Snippet()}");



    private void Authorize(HttpRequestMessage request) => request.Headers.TryAddWithoutValidation("x-key", settings.ApiKey ?? EmulatorKey);
}
