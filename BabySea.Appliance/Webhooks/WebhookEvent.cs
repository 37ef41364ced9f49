using System.Text.Json.Nodes;

namespace BabySea.Appliance.Webhooks;

/// <summary>An event for an account's webhook endpoints: its type and its <c>webhook_data</c> (reference §7.2).</summary>
public sealed record WebhookEvent(string Type, string AccountId, JsonObject Data);
