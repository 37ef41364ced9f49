using System.Text.Json.Nodes;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Providers.Bfl;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Tests.Providers.Bfl;

public sealed class BflAdapterTests
{
    [Fact]
    public void Body_WxHWidth_BecomesIntegerWidthAndHeight()
    {
        var body = BflAdapter.Body(new JsonObject { ["prompt"] = "p", ["width"] = "1344x768" }, []);
        Assert.Equal(1344, body["width"]!.GetValue<int>());
        Assert.Equal(768, body["height"]!.GetValue<int>());
    }

    [Fact]
    public void Body_SeveralInputFiles_BecomeNumberedReferences()
    {
        var body = BflAdapter.Body(new JsonObject { ["input_image"] = "https://x/a.png" }, ["https://x/a.png", "https://x/b.png", "https://x/c.png"]);
        Assert.Equal("https://x/a.png", body["input_image"]!.GetValue<string>());
        Assert.Equal("https://x/b.png", body["input_image_2"]!.GetValue<string>());
        Assert.Equal("https://x/c.png", body["input_image_3"]!.GetValue<string>());
        Assert.False(body.ContainsKey("input_image_4"));
    }

    [Fact]
    public void Body_References_StopAtEight()
    {
        var files = Enumerable.Range(1, 10).Select(i => $"https://x/{i}.png").ToList();
        var body = BflAdapter.Body(new JsonObject { ["input_image"] = files[0] }, files);
        Assert.True(body.ContainsKey("input_image_8"));
        Assert.False(body.ContainsKey("input_image_9"));
    }

    [Fact]
    public void Body_ModelWithoutInputImage_GetsNoReferences()
        => Assert.Single(BflAdapter.Body(new JsonObject { ["prompt"] = "p" }, ["https://x/a.png", "https://x/b.png"]));

    [Fact]
    public void Body_EveryCatalogSize_IsWholePixelsInMultiplesOf16()
    {
        var catalog = ModelCatalog.Load(AppHost.ConfigFile("models.json"));
        foreach (var binding in catalog.Models.Select(m => m.Binding(BflAdapter.ProviderId)).OfType<ProviderBinding>())
        {
            if (binding.Params.GetValueOrDefault("generation_ratio") != "width") continue;
            foreach (var size in binding.Values["generation_ratio"].Values)
            {
                var body = BflAdapter.Body(new JsonObject { ["width"] = size.GetString() }, []);
                Assert.Equal(0, body["width"]!.GetValue<int>() % 16);
                Assert.Equal(0, body["height"]!.GetValue<int>() % 16);
            }
        }
    }
}
