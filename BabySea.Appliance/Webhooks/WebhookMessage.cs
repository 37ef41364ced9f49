namespace BabySea.Appliance.Webhooks;

/// <summary>The body and headers of one attempt, signed for that attempt.</summary>
public sealed record WebhookMessage(byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
