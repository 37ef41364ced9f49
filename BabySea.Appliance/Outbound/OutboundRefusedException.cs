namespace BabySea.Appliance.Outbound;

/// <summary>Thrown from the connect step when a target resolves only to addresses the policy refuses.</summary>
public sealed class OutboundRefusedException(string message) : Exception(message);
