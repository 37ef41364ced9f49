using System.Security.Cryptography;
using System.Text.Json;

namespace BabySea.Appliance.Api.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> rules (reference §5.4, DESIGN §4): 1–255 of <c>[A-Za-z0-9_\-:.]</c>; the fingerprint is
/// route + model + SHA-256 of the canonical JSON body, so key order and whitespace do not make a body "different".
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";

    public static bool IsValid(string key)
        => key.Length is >= 1 and <= 255 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':' or '.');

    public static string Fingerprint(string route, string model, JsonElement body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) Canonical(w, body);
        var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
        return $"{route}|{model}|{hash}";
    }

    private static void Canonical(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    Canonical(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray()) Canonical(w, item);
                w.WriteEndArray();
                break;
            case JsonValueKind.Number:
                // 5, 5.0 and 5e0 are one number. A number beyond decimal's range (1e30) keeps its own spelling:
                // validation refuses it anyway, and the fingerprint only has to be stable.
                w.WriteRawValue(e.TryGetDecimal(out var number)
                    ? number.ToString("G29", System.Globalization.CultureInfo.InvariantCulture)
                    : e.GetRawText());
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }
}
