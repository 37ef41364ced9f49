using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.Emulator;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.OpenAi;

/// <summary>
/// OpenAI Images (providers.md §3), synchronous: text-to-image is a JSON POST to <c>/images/generations</c>; with
/// input files it is a multipart POST to <c>/images/edits</c> that carries the images themselves, so the adapter
/// downloads them first. GPT image models answer base64 only, so outputs arrive inline. There is no job to poll and
/// no cancel: dropping the connection is the only way to stop a call.
/// </summary>
public sealed class OpenAiAdapter(ProviderSettings settings, ProviderHttp http, EmulatorAddress emulator) : IProviderAdapter
{
    public const string ProviderId = "openai";
    public const string EmulatorKey = "sk-emulator";

    // NativeParameters strips the catalog's "image[]" to "image" and always hands over a list.
    private const string ImagesField = "image";
    private const string EditsOnlyField = "input_fidelity";

    public string Id => ProviderId;
    public bool Emulated => settings.Emulated;

    private string BaseUrl => settings.BaseUrlFor(emulator, "/v1");

    public async Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct)
    {
        var fields = (JsonObject)request.NativeInput.DeepClone();
        // Without a model the API falls back to dall-e-2, so it is always sent.
        fields["model"] = request.ProviderModel;

        ProviderHttp.Response? response;
        ProviderFailure? failure;
        if (fields[ImagesField] is { } images)
        {
            fields.Remove(ImagesField);
            var (form, refused) = await EditFormAsync(fields, images is JsonArray list ? [.. list] : [images], ct);
            if (refused is not null) return new SubmitOutcome.Failed(refused);
            (response, failure) = await PostAsync($"{BaseUrl}/images/edits", form!, ct);
        }
        else
        {
            // input_fidelity exists on edits only; generations refuses parameters it does not know.
            fields.Remove(EditsOnlyField);
            (response, failure) = await PostAsync($"{BaseUrl}/images/generations",
                new StringContent(fields.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        }
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        return response!.IsSuccess ? Read(response) : new SubmitOutcome.Failed(OpenAiErrors.FromResponse(response));
    }



    // Only dall-e answers URLs, pre-signed on a blob host: the key is never sent there.
    public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct) => http.DownloadAsync(output, ct);

    private static SubmitOutcome Read(ProviderHttp.Response response)
    {
        if (response.Json() is not JsonObject body)
            return new SubmitOutcome.Failed(new ProviderFailure(FailureKind.ServerError,
                $"OpenAI answered {response.Code} with a body that is not an images response: {response.Snippet()}"));
        var contentType = Text(body["output_format"]) is { } format ? $"image/{format}" : null;
        var outputs = new List<ProviderOutput>();
        foreach (var item in body["data"] as JsonArray ?? [])
        {
            if (Text(item?["b64_json"]) is { } b64)
            {
                try { outputs.Add(new ProviderOutput(null, Convert.FromBase64String(b64), contentType)); }
                catch (FormatException)
                {
                    return new SubmitOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "OpenAI returned an image that is not valid base64."));
                }
            }
            else if (Text(item?["url"]) is { } url) outputs.Add(new ProviderOutput(url, null, null));
        }
        return outputs.Count > 0
            ? new SubmitOutcome.Completed(outputs, null)
            : new SubmitOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "OpenAI answered without any image."));
    }

    private async Task<(MultipartFormDataContent? Form, ProviderFailure? Refused)> EditFormAsync(JsonObject fields, IReadOnlyList<JsonNode?> urls,
        CancellationToken ct)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
            if (value is not null) form.Add(new StringContent(Text(value) ?? value.ToJsonString()), name);
        for (var i = 0; i < urls.Count; i++)
        {
            var (image, refused) = await InputImages.FetchAsync(http, Text(urls[i]), Emulated, ct);
            if (refused is not null)
            {
                form.Dispose();
                return (null, refused);
            }
            var part = new ByteArrayContent(image!.Bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(image.ContentType);
            // The official SDK's bracket array format: every image is one "image[]" part.
            form.Add(part, "image[]", $"input-{i.ToString(CultureInfo.InvariantCulture)}.{image.Extension}");
        }
        return (form, null);
    }


    private Task<(ProviderHttp.Response? Response, ProviderFailure? Failure)> PostAsync(string url, HttpContent content, CancellationToken ct)
        => http.SendForMediaAsync(HttpMethod.Post, url, content, Authorize, ct);


    private void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey ?? EmulatorKey);
}
