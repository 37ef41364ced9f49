using System.Text.Json;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Tests.Support;

/// <summary>
/// A pending flux-schnell image generation ($0.003), for tests that write one straight to the store; its id carries its
/// creation time, as the intake's do.
/// </summary>
public static class TestGenerations
{
    public static Generation Pending(string accountId, string prompt, IReadOnlyList<string>? order = null, DateTimeOffset? createdAt = null)
    {
        var at = createdAt ?? DateTimeOffset.UtcNow;
        return new Generation
        {
            Id = Guid.CreateVersion7(at).ToString(),
            AccountId = accountId,
            ModelIdentifier = "bfl/flux-schnell",
            MediaType = MediaType.Image,
            Status = GenerationStatus.Pending,
            ProviderOrder = order ?? ["replicate"],
            Request = new GenerationRequest(prompt, "1:1", "png", 1, [], null, null, null, null, null, new Dictionary<string, JsonElement>()),
            Cost = 0.003m,
            CreatedAt = at,
        };
    }
}
