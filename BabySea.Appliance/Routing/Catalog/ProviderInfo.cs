namespace BabySea.Appliance.Routing.Catalog;

/// <summary>A provider's library entry from <c>config/providers.json</c>.</summary>
public sealed record ProviderInfo(
    string Id,
    string Name,
    string Description,
    string Website,
    string Docs,
    string DeliveryMethod,
    string? CancelMethod,
    string? WebhookVerification,
    IReadOnlyList<string> MediaTypes,
    string ApiKeyEnv);
