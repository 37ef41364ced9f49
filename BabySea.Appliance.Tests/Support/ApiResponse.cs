using System.Net;
using System.Text.Json;

namespace BabySea.Appliance.Tests.Support;

/// <summary>A response read once: status, headers and the parsed envelope.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Text, JsonElement Body, HttpResponseMessage Message)
{
    public JsonElement Data => Body.GetProperty("data");
    public JsonElement Error => Body.GetProperty("error");
    public string ErrorCode => Error.GetProperty("code").GetString()!;
    public string? Header(string name) => Message.Headers.TryGetValues(name, out var v) ? v.First() : null;

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage message)
    {
        var text = await message.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (text.Length > 0)
        {
            try { body = JsonDocument.Parse(text).RootElement.Clone(); }
            catch (JsonException) { }
        }
        return new ApiResponse(message.StatusCode, text, body, message);
    }

    /// <summary>Asserts the error envelope of reference §3.1 with this code and HTTP status.</summary>
    public ApiResponse AssertError(HttpStatusCode status, string code, string? field = null)
    {
        Assert.True(Status == status, $"expected {(int)status} {code}, got {(int)Status}: {Text}");
        Assert.Equal("error", Body.GetProperty("status").GetString());
        Assert.StartsWith("req_", Body.GetProperty("request_id").GetString());
        Assert.Equal(code, ErrorCode);
        Assert.False(string.IsNullOrEmpty(Error.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(Error.GetProperty("message").GetString()));
        Assert.True(Error.TryGetProperty("retryable", out _));
        Assert.DoesNotContain("   at ", Text); // never a stack trace
        if (field is not null) Assert.Equal(field, Error.GetProperty("details").GetProperty("field").GetString());
        return this;
    }

    public ApiResponse AssertOk()
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected 200, got {(int)Status}: {Text}");
        Assert.Equal("success", Body.GetProperty("status").GetString());
        var requestId = Body.GetProperty("request_id").GetString();
        Assert.StartsWith("req_", requestId);
        Assert.Equal(requestId, Header("X-Request-Id"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", Body.GetProperty("timestamp").GetString());
        return this;
    }
}
