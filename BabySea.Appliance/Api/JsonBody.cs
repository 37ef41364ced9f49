using System.Text.Json;

namespace BabySea.Appliance.Api;

/// <summary>Reads a request body as JSON with the 100 KB cap of the hosted API.</summary>
public static class JsonBody
{
    public const int MaxBytes = 100 * 1024;

    public static async Task<(JsonDocument? Document, ApiError? Error)> ReadAsync(HttpContext http, bool optional = false)
    {
        if (http.Request.ContentLength > MaxBytes) return (null, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (null, TooLarge());
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return optional ? (null, null) : (null, ApiError.Field("body", "A JSON request body is required."));
        try
        {
            return (JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 32 }), null);
        }
        catch (JsonException ex)
        {
            return (null, ApiError.Field("body", $"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
    }

    private static ApiError TooLarge()
        => new ApiError(BseCode.PayloadTooLarge, $"The request body is larger than {MaxBytes / 1024} KB.").With("max_bytes", MaxBytes);
}
