using BabySea.Appliance.Generations;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Tests.Routing;

public sealed class CatalogTests
{
    public static readonly string[] RequiredModels =
    [
        "bfl/flux-schnell", "bfl/flux-1.1-pro", "bfl/flux-1.1-pro-ultra", "bfl/flux-2-flex", "bfl/flux-2-klein-4b", "bfl/flux-2-klein-9b",
        "bfl/flux-2-max", "bfl/flux-2-pro", "bytedance/seedream-4", "bytedance/seedream-4.5", "bytedance/seedream-5-lite", "qwen/image",
        "google/nano-banana", "google/veo-2", "bytedance/seedance-1-pro", "bytedance/seedance-1-pro-fast", "bytedance/seedance-1.5-pro",
        "kling/v1.5-pro", "openai/gpt-image-1.5", "runway/gen4-aleph", "runway/gen4-image", "runway/gen4-image-turbo", "runway/gen4-turbo",
        "runway/gen4.5",
    ];

    private static ModelCatalog Shipped => ModelCatalog.Load(AppHost.ConfigFile("models.json"));

    [Fact]
    public void ShippedCatalog_HasEveryRequiredModel_WithReplicateInItsStack()
    {
        var catalog = Shipped;
        foreach (var id in RequiredModels)
        {
            var model = catalog.Find(id);
            Assert.NotNull(model);
            Assert.NotNull(model.Binding("replicate"));
        }
    }

    [Fact]
    public void ShippedCatalog_VideoModelsArePricedForEveryResolution()
    {
        foreach (var model in Shipped.Models.Where(m => m.Type == MediaType.Video))
            foreach (var resolution in model.Schema.Resolutions ?? [null!])
                Assert.NotNull(model.Pricing.RateFor(resolution, false));
    }

    [Theory]
    [InlineData("\"model_type\": \"image\"", "\"model_type\": \"audio\"", "model_type")]
    [InlineData("\"model_pricing\": 0.003", "\"model_pricing\": 0.0031", "model_pricing")]
    [InlineData("\"model_name\": \"FLUX.1 [schnell]\"", "\"model_name\": \"x\", \"colour\": 1", "colour")]
    public void Loader_RejectsMistakes_NamingTheKey(string find, string replace, string key)
    {
        var text = File.ReadAllText(AppHost.ConfigFile("models.json"));
        Assert.Contains(find, text);
        var path = Path.GetTempFileName();
        File.WriteAllText(path, ReplaceFirst(text, find, replace));
        var error = Assert.Throws<InvalidOperationException>(() => ModelCatalog.Load(path));
        Assert.Contains(key, error.Message);
        File.Delete(path);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var i = text.IndexOf(find, StringComparison.Ordinal);
        return text[..i] + replace + text[(i + find.Length)..];
    }
}
