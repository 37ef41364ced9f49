namespace BabySea.Appliance.Providers;

/// <summary>
/// Input images for providers whose API takes the file itself (multipart parts) rather than its URL: OpenAI's edits
/// and Workers AI's FLUX.2 models. The image is downloaded from the caller's file host, with no provider key.
/// </summary>
public static class InputImages
{
    /// <summary>A 1x1 PNG: what an emulated provider is sent in place of each input image.</summary>
    private static readonly byte[] PlaceholderPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    public sealed record Image(byte[] Bytes, string ContentType, string Extension);

    /// <summary>
    /// The image at <paramref name="url"/>, or a failure naming what is wrong with it: an invalid request for a URL or
    /// file that is not an image, input unavailable (BSE2009) when it cannot be fetched, the outbound policy included.
    /// </summary>
    public static async Task<(Image? Image, ProviderFailure? Refused)> FetchAsync(ProviderHttp http, string? url, bool emulated, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return (null, Refused($"Input file '{url}' is not an http(s) URL."));
        // An appliance without a key makes no outside calls, and the emulators never look at the pixels, so
        // emulated calls send a placeholder where the real adapter sends the downloaded image.
        if (emulated) return (new Image(PlaceholderPng, "image/png", "png"), null);

        // The target's answer is never quoted back: only the outbound policy's own refusal or the status code.
        var (response, failure) = await http.GetFileAsync(uri.AbsoluteUri, _ => { }, ct);
        if (failure is not null) return (null, Unavailable($"Input file '{url}' could not be downloaded: {failure.Message}"));
        if (!response!.IsSuccess) return (null, Unavailable($"Downloading input file '{url}' answered {response.Code}."));
        return MediaSniffer.Detect(response.Body) is { } kind && kind.ContentType.StartsWith("image/", StringComparison.Ordinal)
            ? (new Image(response.Body, kind.ContentType, kind.Extension), null)
            : (null, Refused($"Input file '{url}' is not a PNG, JPEG or WebP image."));
    }

    private static ProviderFailure Refused(string message) => new(FailureKind.InvalidRequest, message);

    private static ProviderFailure Unavailable(string message) => new(FailureKind.InputUnavailable, message);
}
