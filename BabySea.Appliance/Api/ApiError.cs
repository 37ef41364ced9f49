using System.Buffers;
using System.Text.Json;

namespace BabySea.Appliance.Api;

/// <summary>
/// A caller-facing error: the BSE envelope of reference §3.1. A value, not an exception: handlers return it,
/// and the exception handler builds one for anything unexpected.
/// </summary>
public sealed class ApiError(BseCode code, string message) : IResult
{
    private const string ItemKey = "babysea.bse";

    public BseCode Code { get; } = code;
    public string Message { get; } = message;
    public Dictionary<string, object> Details { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ApiError With(string key, object value)
    {
        Details[key] = value;
        return this;
    }

    public static ApiError Field(string field, string message, BseCode code = BseCode.InvalidInput)
        => new ApiError(code, message).With("field", field);

    public async Task ExecuteAsync(HttpContext http)
    {
        var row = BseCatalog.For(Code);
        http.Items[ItemKey] = Code;
        http.Response.StatusCode = row.Status;
        http.Response.ContentType = "application/json; charset=utf-8";
        foreach (var (name, value) in Headers) http.Response.Headers[name] = value;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteEnvelope(writer, RequestIds.Get(http), http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    /// <summary>The BSE code this request was answered with, for the request log.</summary>
    public static BseCode? AnsweredWith(HttpContext http) => http.Items[ItemKey] as BseCode?;

    internal void WriteEnvelope(Utf8JsonWriter w, string requestId, DateTimeOffset now)
    {
        var row = BseCatalog.For(Code);
        w.WriteStartObject();
        w.WriteString("status", "error");
        w.WriteString("request_id", requestId);
        w.WriteString("timestamp", Timestamps.Format(now));
        w.WriteStartObject("error");
        w.WriteString("code", BseCatalog.Format(Code));
        w.WriteString("type", row.Type);
        w.WriteString("message", Message);
        w.WriteBoolean("retryable", row.Retryable);
        if (Details.Count > 0)
        {
            w.WriteStartObject("details");
            foreach (var (key, value) in Details) WriteValue(w, key, value);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, string key, object value)
    {
        switch (value)
        {
            case string s: w.WriteString(key, s); break;
            case bool b: w.WriteBoolean(key, b); break;
            case int i: w.WriteNumber(key, i); break;
            case long l: w.WriteNumber(key, l); break;
            case decimal d: w.WriteNumber(key, d); break;
            case double d: w.WriteNumber(key, d); break;
            case IEnumerable<string> list:
                w.WriteStartArray(key);
                foreach (var item in list) w.WriteStringValue(item);
                w.WriteEndArray();
                break;
            default: w.WriteString(key, value.ToString()); break;
        }
    }
}
