using System.Text.Json;

namespace BabySea.Appliance.Api;

/// <summary>Reads a request body as JSON with the 100 KB cap of the hosted API.</summary>
public static class JsonBody
{
    public const int MaxBytes = 100 * 1024;
    private const int MaxDepth = 32;

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
        var bytes = buffer.ToArray();
        try
        {
            if (FirstInvalidText(bytes) is { } at)
                return (null, ApiError.Field("body", $"The request body has text that is not valid Unicode (invalid UTF-8 or a lone surrogate escape) at byte {at + 1}."));
            return (JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth }), null);
        }
        catch (JsonException ex)
        {
            return (null, ApiError.Field("body", $"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
    }

    /// <summary>Reads the body as one source-generated shape; a mismatch names the field in BSE2001.</summary>
    public static async Task<(T? Body, ApiError? Error)> ReadAsync<T>(HttpContext http, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        where T : class
    {
        var (doc, error) = await ReadAsync(http);
        if (error is not null) return (null, error);
        using (doc)
        {
            try
            {
                return (doc!.RootElement.Deserialize(info) ?? throw new JsonException("null body"), null);
            }
            catch (JsonException ex)
            {
                return (null, ApiError.Field(ex.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : "body", "The body does not match the expected shape."));
            }
        }
    }

    /// <summary>
    /// The offset of the first string or property name that is not valid Unicode, or null. JSON parsing accepts
    /// such text and only reading it as a string fails, deep inside whatever reads it; checking once here makes
    /// every body a handler sees safe to read.
    /// </summary>
    private static long? FirstInvalidText(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
            if (!reader.ValueIsEscaped)
            {
                if (!System.Text.Unicode.Utf8.IsValid(reader.ValueSpan)) return reader.TokenStartIndex;
                continue;
            }
            try
            {
                reader.GetString(); // unescaping is where a lone \uD800 shows
            }
            catch (InvalidOperationException)
            {
                return reader.TokenStartIndex;
            }
        }
        return null;
    }

    private static ApiError TooLarge()
        => new ApiError(BseCode.PayloadTooLarge, $"The request body is larger than {MaxBytes / 1024} KB.").With("max_bytes", MaxBytes);
}
