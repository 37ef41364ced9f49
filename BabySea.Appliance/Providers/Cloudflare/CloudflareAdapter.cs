using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Providers.Emulator;
using static BabySea.Appliance.Providers.ProviderJson;

namespace BabySea.Appliance.Providers.Cloudflare;

/// <summary>
/// Cloudflare Workers AI (providers.md §8), synchronous: one POST to
/// <c>/accounts/{account_id}/ai/run/{model}</c> answers the image itself, either as base64 inside the JSON
/// envelope or as the raw image bytes, depending on the model. There is no job to poll and no cancel. The FLUX.2
/// models take multipart form data, even for a prompt alone, with reference images as binary parts.
/// </summary>
public sealed class CloudflareAdapter(ProviderSettings settings, ProviderHttp http, EmulatorAddress emulator) : IProviderAdapter
{
    public const string ProviderId = "cloudflare";
    public const string EmulatorToken = "cf-emulator";
    public const string EmulatorAccountId = "0123456789abcdef0123456789abcdef";
    private const string MultipartFamily = "@cf/black-forest-labs/flux-2";
    private const string ImagesField = "input_image";

    public string Id => ProviderId;
    public bool Emulated => settings.Emulated;

    private string BaseUrl => settings.BaseUrlFor(emulator, "/client/v4");

    private string? AccountId => Emulated ? EmulatorAccountId : settings.AccountId;

    public async Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct)
    {
        if (AccountId?.Trim() is not { Length: > 0 } account)
            return new SubmitOutcome.Failed(new ProviderFailure(FailureKind.NotConfigured,
                "Cloudflare needs an account id: set CLOUDFLARE_ACCOUNT_ID or Providers:cloudflare:AccountId."));
        // The model id (e.g. @cf/black-forest-labs/flux-1-schnell) is part of the path as is, slashes included.
        var url = $"{BaseUrl}/accounts/{Uri.EscapeDataString(account)}/ai/run/{request.ProviderModel}";
        var body = Body(request.NativeInput);
        HttpContent content;
        if (TakesMultipart(request.ProviderModel))
        {
            var (form, refused) = await FormAsync(body, ct);
            if (refused is not null) return new SubmitOutcome.Failed(refused);
            content = form!;
        }
        else content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var (response, failure) = await PostAsync(url, content, ct);
        if (failure is not null) return new SubmitOutcome.Failed(failure);
        return response!.IsSuccess ? Read(response) : new SubmitOutcome.Failed(CloudflareErrors.FromResponse(response));
    }



    public Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct)
        => Task.FromResult<FetchOutcome>(output.Inline is { } bytes
            ? new FetchOutcome.Fetched(bytes, output.ContentType)
            : new FetchOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "Cloudflare outputs are inline; there is nothing to download.")));

    /// <summary>The catalog maps the ratio to one "WxH" value under <c>width</c>; the Stable Diffusion and Leonardo models want integer <c>width</c> and <c>height</c>.</summary>
    internal static JsonObject Body(JsonObject native)
    {
        var body = (JsonObject)native.DeepClone();
        if (Text(body["width"]) is { } size && TrySplitSize(size, out var width, out var height))
        {
            body["width"] = width;
            body["height"] = height;
        }
        return body;
    }

    /// <summary>Workers AI's FLUX.2 models ([dev], [klein] 4B and 9B) read multipart form data only.</summary>
    internal static bool TakesMultipart(string model) => model.StartsWith(MultipartFamily, StringComparison.Ordinal);

    /// <summary>
    /// The form a FLUX.2 model reads: every parameter as a text part, and each reference image (the catalog names
    /// them <c>input_image[]</c>) downloaded and sent as the binary part <c>input_image_0</c>, <c>input_image_1</c>, …
    /// </summary>
    private async Task<(MultipartFormDataContent? Form, ProviderFailure? Refused)> FormAsync(JsonObject body, CancellationToken ct)
    {
        var form = new MultipartFormDataContent();
        var images = body[ImagesField] is JsonArray list ? list.Select(Text).ToList() : [];
        foreach (var (name, value) in body)
            if (name != ImagesField && value is not null) form.Add(new StringContent(Text(value) ?? value.ToJsonString()), name);
        for (var i = 0; i < images.Count; i++)
        {
            var (image, refused) = await InputImages.FetchAsync(http, images[i], Emulated, ct);
            if (refused is not null)
            {
                form.Dispose();
                return (null, refused);
            }
            var part = new ByteArrayContent(image!.Bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(image.ContentType);
            var name = $"{ImagesField}_{i.ToString(CultureInfo.InvariantCulture)}";
            form.Add(part, name, $"{name}.{image.Extension}");
        }
        return (form, null);
    }

    /// <summary>
    /// The three answers a model may give: the raw image (SDXL, DreamShaper, Phoenix; the declared type is not
    /// always the real one, so routing sniffs the bytes), the JSON envelope with base64 in <c>result.image</c>
    /// (FLUX, Lucid Origin), or, from some models, base64 as <c>result</c> itself or a data URI.
    /// </summary>
    private static SubmitOutcome Read(ProviderHttp.Response response)
    {
        if (response.ContentType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true)
            return Inline(response.Body, response.ContentType);
        if (response.Json() is not JsonObject envelope)
            return MediaSniffer.Detect(response.Body) is { } kind
                ? Inline(response.Body, kind.ContentType)
                : new SubmitOutcome.Failed(new ProviderFailure(FailureKind.ServerError,
                    $"Cloudflare answered {response.Code} with a body that is neither an image nor JSON: {response.Snippet()}"));
        if (envelope["success"] is JsonValue success && success.TryGetValue<bool>(out var ok) && !ok)
            return new SubmitOutcome.Failed(CloudflareErrors.FromResponse(response));

        var result = envelope["result"];
        var image = Text(result) ?? Text((result as JsonObject)?["image"]) ?? Text(envelope["image"]);
        if (string.IsNullOrEmpty(image))
            return new SubmitOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "Cloudflare answered without an image."));
        var comma = image.StartsWith("data:", StringComparison.Ordinal) ? image.IndexOf(',', StringComparison.Ordinal) : -1;
        try
        {
            return Inline(Convert.FromBase64String(image[(comma + 1)..]), null);
        }
        catch (FormatException)
        {
            return new SubmitOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "Cloudflare returned an image that is not valid base64."));
        }
    }

    private static SubmitOutcome Inline(byte[] bytes, string? contentType)
        => bytes.Length == 0
            ? new SubmitOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, "Cloudflare answered an empty image."))
            : new SubmitOutcome.Completed([new ProviderOutput(null, bytes, contentType)], null);

    private Task<(ProviderHttp.Response? Response, ProviderFailure? Failure)> PostAsync(string url, HttpContent content, CancellationToken ct)
        => http.SendForMediaAsync(HttpMethod.Post, url, content, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey ?? EmulatorToken), ct);

}
