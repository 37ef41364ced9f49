using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.Emulator;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Replicate;

/// <summary>
/// Replicate's prediction API (providers.md §1): create on the official-model route (or <c>/predictions</c>
/// with a version), poll <c>urls.get</c>, cancel with <c>urls.cancel</c>. Outputs are a URL or a list of URLs
/// on Replicate's file host, removed after about an hour, so routing downloads them at once.
/// </summary>
public sealed class ReplicateAdapter(ProviderSettings settings, ProviderHttp http, EmulatorAddress emulator) : IPollingAdapter, ICancelingAdapter
{
    public const string ProviderId = "replicate";
    public const string EmulatorToken = "r8_emulator";

    public string Id => ProviderId;
    public bool Emulated => settings.Emulated;

    private string BaseUrl => settings.BaseUrlFor(emulator, "/v1");

    public async Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct)
    {
        var body = new JsonObject { ["input"] = request.NativeInput.DeepClone() };
        string url;
        if (request.ProviderModel.Split(':') is [var _, var version])
        {
            url = $"{BaseUrl}/predictions";
            body["version"] = version;
        }
        else url = $"{BaseUrl}/models/{request.ProviderModel}/predictions";

        var (response, failure) = await http.SendJsonAsync(HttpMethod.Post, url, body, Authorize, ct);
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        if (!response!.IsSuccess) return new SubmitOutcome.Failed(ReplicateErrors.FromResponse(response));
        if (response.Json() is not JsonObject prediction) return new SubmitOutcome.Failed(Malformed(response));

        return Read(prediction) switch
        {
            PollOutcome.Succeeded s => new SubmitOutcome.Completed(s.Outputs, s.PredictSeconds),
            PollOutcome.Failed f => new SubmitOutcome.Failed(f.Failure),
            _ => prediction["id"]?.GetValue<string>() is { } id
                ? new SubmitOutcome.Accepted(new ProviderJob(ProviderId, id,
                    prediction["urls"]?["get"]?.GetValue<string>() ?? $"{BaseUrl}/predictions/{id}",
                    prediction["urls"]?["cancel"]?.GetValue<string>()))
                : new SubmitOutcome.Failed(Malformed(response)),
        };
    }

    public async Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct)
    {
        var (response, failure) = await http.SendJsonAsync(HttpMethod.Get, job.PollUrl!, null, Authorize, ct);
        if (failure is not null) return failure.IsTransient ? new PollOutcome.Running() : new PollOutcome.Failed(failure);
        if (!response!.IsSuccess)
        {
            var error = ReplicateErrors.FromResponse(response);
            return error.IsTransient ? new PollOutcome.Running() : new PollOutcome.Failed(error);
        }
        return response.Json() is JsonObject prediction ? Read(prediction) : new PollOutcome.Failed(Malformed(response));
    }

    public async Task<bool> CancelAsync(ProviderJob job, CancellationToken ct)
    {
        var url = job.CancelUrl ?? $"{BaseUrl}/predictions/{job.JobId}/cancel";
        var (response, _) = await http.SendJsonAsync(HttpMethod.Post, url, null, Authorize, ct);
        return response?.IsSuccess == true;
    }

    // Replicate's file host may want the token; no other host ever sees it.
    public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct) => http.DownloadAsync(output, r => { if (IsReplicateHost(r.RequestUri)) Authorize(r); }, ct);

    private static PollOutcome Read(JsonObject prediction)
    {
        var status = prediction["status"]?.GetValue<string>();
        switch (status)
        {
            case "succeeded":
                var outputs = Outputs(prediction["output"]);
                if (outputs.Count == 0)
                    return new PollOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid,
                        prediction["data_removed"]?.GetValue<bool>() == true ? "The prediction's outputs were already removed." : "The prediction succeeded without outputs."));
                return new PollOutcome.Succeeded(outputs, prediction["metrics"]?["predict_time"]?.GetValue<double>());
            case "failed":
                return new PollOutcome.Failed(ReplicateErrors.FromPredictionError(prediction["error"]?.GetValue<string>()));
            case "canceled":
            case "aborted":
                return new PollOutcome.Failed(new ProviderFailure(FailureKind.Canceled, $"The prediction was {status}."));
            default:
                // starting, processing, and any status Replicate adds later: still running, never success.
                return new PollOutcome.Running();
        }
    }

    private static List<ProviderOutput> Outputs(JsonNode? output) => output switch
    {
        JsonValue v when v.TryGetValue<string>(out var url) => [new ProviderOutput(url, null, null)],
        JsonArray list => list.Select(n => n is JsonValue item && item.TryGetValue<string>(out var u) ? u : null)
            .OfType<string>().Select(u => new ProviderOutput(u, null, null)).ToList(),
        _ => [],
    };

    private static ProviderFailure Malformed(ProviderHttp.Response r)
        => new(FailureKind.ServerError, $"Replicate answered {r.Code} with a body that is not a prediction: {r.Snippet()}");

    private bool IsReplicateHost(Uri? uri)
        => uri is not null && (uri.Host == new Uri(BaseUrl).Host || uri.Host == "replicate.delivery" || uri.Host.EndsWith(".replicate.delivery", StringComparison.Ordinal));

    private void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new("Bearer", settings.ApiKey ?? EmulatorToken);
}
