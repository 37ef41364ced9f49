using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BabySea.Appliance.Api;

/// <summary>Pagination fields that sit beside <c>data</c> on list responses.</summary>
public sealed record Page(int Total, int Limit, int Offset);

/// <summary>The success envelope of reference §3.1; subclasses write <c>data</c>.</summary>
public abstract class SuccessEnvelope(string message, Page? page) : IResult
{
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected abstract void WriteData(Utf8JsonWriter writer);

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        foreach (var (name, value) in Headers) http.Response.Headers[name] = value;
        // Serialized into memory first: Kestrel forbids the synchronous writes a Utf8JsonWriter flush would make.
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("status", "success");
            w.WriteString("request_id", RequestIds.Get(http));
            w.WriteString("message", message);
            w.WriteString("timestamp", Timestamps.Format(http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()));
            w.WritePropertyName("data");
            WriteData(w);
            if (page is not null)
            {
                w.WriteNumber("total", page.Total);
                w.WriteNumber("limit", page.Limit);
                w.WriteNumber("offset", page.Offset);
            }
            w.WriteEndObject();
        }
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }
}

/// <summary>A success envelope around a source-generated payload.</summary>
public sealed class ApiSuccess<T>(T data, JsonTypeInfo<T> typeInfo, string message, Page? page = null) : SuccessEnvelope(message, page)
{
    protected override void WriteData(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, data, typeInfo);
}

/// <summary>A success envelope around <c>data</c> that is already JSON (a stored idempotent answer).</summary>
public sealed class ApiRawSuccess(string dataJson, string message) : SuccessEnvelope(message, null)
{
    protected override void WriteData(Utf8JsonWriter writer) => writer.WriteRawValue(dataJson);
}

public static class ApiResults
{
    public static ApiRawSuccess OkRaw(string dataJson, string message) => new(dataJson, message);

    public static ApiSuccess<T> Ok<T>(T data, JsonTypeInfo<T> typeInfo, string message, Page? page = null)
        => new(data, typeInfo, message, page);
}
