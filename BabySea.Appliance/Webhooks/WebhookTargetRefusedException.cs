namespace BabySea.Appliance.Webhooks;

/// <summary>Thrown from the connect step when a target resolves only to addresses the policy refuses.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
