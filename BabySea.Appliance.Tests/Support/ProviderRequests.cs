using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;

namespace BabySea.Appliance.Tests.Support;

/// <summary>Provider requests built straight from native input, for adapter tests that skip the catalog.</summary>
public static class ProviderRequests
{
    public static ProviderRequest Create(MediaType type, string model, string nativeJson)
        => new("gen_test", type, model, (JsonObject)JsonNode.Parse(nativeJson)!,
            new GenerationRequest("p", "16:9", type == MediaType.Video ? "mp4" : "png", 1, [], null, null, null, null, null,
                new Dictionary<string, JsonElement>()));
}
