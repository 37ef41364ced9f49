using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Providers.Fal;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Tests.Providers.Fal;

public sealed class FalAdapterTests
{
    [Theory]
    [InlineData("fal-ai/flux-2-pro", "image")]
    [InlineData("fal-ai/veo2", "video")]
    public void Endpoint_WithoutInputFiles_IsTheModel(string model, string type)
        => Assert.Equal(model, FalAdapter.Endpoint(model, MediaTypes.Parse(type)!.Value, hasInputFiles: false));

    [Theory]
    [InlineData("fal-ai/flux-2-pro", "image", "fal-ai/flux-2-pro/edit")]
    [InlineData("fal-ai/flux-2/klein/4b", "image", "fal-ai/flux-2/klein/4b/edit")]
    [InlineData("fal-ai/bytedance/seedream/v4/text-to-image", "image", "fal-ai/bytedance/seedream/v4/edit")]
    [InlineData("fal-ai/nano-banana/edit", "image", "fal-ai/nano-banana/edit")]
    [InlineData("fal-ai/veo2", "video", "fal-ai/veo2/image-to-video")]
    [InlineData("fal-ai/bytedance/seedance/v1/pro/text-to-video", "video", "fal-ai/bytedance/seedance/v1/pro/image-to-video")]
    [InlineData("fal-ai/kling-video/v1.5/pro/text-to-video", "video", "fal-ai/kling-video/v1.5/pro/image-to-video")]
    public void Endpoint_WithInputFiles_IsTheEditOrImageToVideoSibling(string model, string type, string expected)
        => Assert.Equal(expected, FalAdapter.Endpoint(model, MediaTypes.Parse(type)!.Value, hasInputFiles: true));

    [Fact]
    public void Body_WxHImageSize_BecomesWidthAndHeight()
    {
        var body = FalAdapter.Body("fal-ai/flux/schnell", new JsonObject { ["prompt"] = "p", ["image_size"] = "1248x832" });
        Assert.Equal(1248, body["image_size"]!["width"]!.GetValue<int>());
        Assert.Equal(832, body["image_size"]!["height"]!.GetValue<int>());
        Assert.Equal("p", body["prompt"]!.GetValue<string>());
    }

    [Fact]
    public void Body_PresetImageSize_IsKept()
        => Assert.Equal("landscape_16_9", FalAdapter.Body("fal-ai/flux/schnell", new JsonObject { ["image_size"] = "landscape_16_9" })["image_size"]!.GetValue<string>());

    [Fact]
    public void Body_GptImageLiteralSize_IsKept()
        => Assert.Equal("1536x1024", FalAdapter.Body("fal-ai/gpt-image-1.5/edit", new JsonObject { ["image_size"] = "1536x1024" })["image_size"]!.GetValue<string>());

    [Fact]
    public void Body_DoesNotChangeTheNativeInput()
    {
        var native = new JsonObject { ["image_size"] = "896x1120" };
        FalAdapter.Body("fal-ai/flux-2-pro", native);
        Assert.Equal("896x1120", native["image_size"]!.GetValue<string>());
    }

    [Fact]
    public void Body_EveryCatalogImageSize_IsAPresetOrWidthAndHeight()
    {
        var presets = new[] { "square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3", "landscape_16_9" };
        var catalog = ModelCatalog.Load(AppHost.ConfigFile("models.json"));
        foreach (var binding in catalog.Models.Select(m => m.Binding(FalAdapter.ProviderId)).OfType<ProviderBinding>())
        {
            if (binding.Params.GetValueOrDefault("generation_ratio") != "image_size" || !binding.Values.TryGetValue("generation_ratio", out var sizes)) continue;
            foreach (var size in sizes.Values)
            {
                var sent = FalAdapter.Body(binding.Model, new JsonObject { ["image_size"] = size.GetString() })["image_size"]!;
                var ok = sent is JsonObject o ? o["width"]!.GetValue<int>() > 0 && o["height"]!.GetValue<int>() > 0
                    : presets.Contains(sent.GetValue<string>()) || binding.Model.StartsWith("fal-ai/gpt-image", StringComparison.Ordinal);
                Assert.True(ok, $"{binding.Model} would send image_size {sent.ToJsonString()}");
            }
        }
    }
}
