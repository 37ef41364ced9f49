using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Hosting;

namespace BabySea.Appliance.Webhooks;

/// <summary>
/// Builds what one attempt sends (reference §7.2): the envelope <c>webhook_event</c>, <c>webhook_timestamp</c>,
/// <c>webhook_delivery_id</c>, <c>webhook_data</c>, the <c>X-BabySea-*</c> headers and the Standard Webhooks headers.
/// The timestamp and signatures are the attempt's own, so a late retry is not refused by a receiver's tolerance
/// window; the delivery id stays that of the delivery, so receivers can dedupe. Output links of
/// <c>generation.completed</c> are signed now, on the <see cref="PublicOrigin"/>.
/// </summary>
public sealed class WebhookPayloads(IGenerationStore generations, OutputUrls urls, PublicOrigin publicOrigin)
{
    /// <summary>The message, or null while the server's origin is not known yet (the first moments after start).</summary>
    public async Task<WebhookMessage?> BuildAsync(WebhookDelivery d, WebhookEndpoint endpoint, DateTimeOffset now, CancellationToken ct)
    {
        var data = JsonNode.Parse(d.DataJson)?.AsObject() ?? throw new JsonException($"Delivery {d.Id} has no webhook_data.");
        if (d.EventType == WebhookEvents.Completed && !await AddOutputLinksAsync(data, ct)) return null;

        var timestamp = Timestamps.Format(now);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("webhook_event", d.EventType);
            w.WriteString("webhook_timestamp", timestamp);
            w.WriteString("webhook_delivery_id", d.Id);
            w.WritePropertyName("webhook_data");
            data.WriteTo(w);
            w.WriteEndObject();
        }
        var body = buffer.WrittenSpan.ToArray();
        var unix = now.ToUnixTimeSeconds();
        return new WebhookMessage(body,
        [
            new("X-BabySea-Signature", WebhookSigner.BabySeaSignature(endpoint.Secret, unix, body)),
            new("X-BabySea-Event", d.EventType),
            new("X-BabySea-Timestamp", timestamp),
            new("X-BabySea-Delivery-Id", d.Id),
            new("webhook-id", d.Id),
            new("webhook-timestamp", unix.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("webhook-signature", WebhookSigner.StandardSignature(endpoint.Secret, d.Id, unix, body)),
        ]);
    }

    private async Task<bool> AddOutputLinksAsync(JsonObject data, CancellationToken ct)
    {
        if (data["generation_id"]?.GetValue<string>() is not { } id || await generations.FindAsync(id, null, ct) is not { Outputs.Count: > 0 } g) return true;
        if (publicOrigin.Origin is not { } origin) return false;
        data["generation_output_file"] = new JsonArray(g.Outputs.Select(a => (JsonNode)JsonValue.Create(urls.For(origin, g, a))!).ToArray());
        return true;
    }
}
