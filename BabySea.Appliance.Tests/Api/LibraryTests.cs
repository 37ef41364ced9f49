using System.Net;
using System.Text.Json;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Api;

public sealed class LibraryTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Models_ListEveryCatalogModelWithSchemaPricingAndStack()
    {
        var r = (await TestApp.GetAsync(_app.Client, "/v1/library/models")).AssertOk();
        var models = r.Data.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("model_identifier").GetString()!);
        Assert.Equal(r.Data.GetProperty("models_total").GetInt32(), models.Count);
        foreach (var id in Routing.CatalogTests.RequiredModels) Assert.Contains(id, models.Keys);

        var schnell = models["bfl/flux-schnell"];
        Assert.Equal("image", schnell.GetProperty("model_type").GetString());
        Assert.Equal(JsonValueKind.Number, schnell.GetProperty("model_pricing").ValueKind);
        Assert.Contains("replicate", schnell.GetProperty("model_supported_provider").EnumerateArray().Select(p => p.GetString()));
        Assert.True(schnell.GetProperty("schema").GetProperty("generation_prompt").GetBoolean());

        var seedance = models["bytedance/seedance-1.5-pro"];
        Assert.Equal(JsonValueKind.Object, seedance.GetProperty("model_pricing").ValueKind);
        Assert.True(seedance.GetProperty("schema").TryGetProperty("generation_duration", out _));
    }

    [Fact]
    public async Task Providers_ListAllEightWithImplementationProfile()
    {
        var r = (await TestApp.GetAsync(_app.Client, "/v1/library/providers")).AssertOk();
        var providers = r.Data.GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("provider_id").GetString()!);
        Assert.Equal(8, providers.Count);
        Assert.All(providers.Values, p => Assert.Equal("emulated", p.GetProperty("provider_status").GetString()));
        var impl = providers["replicate"].GetProperty("babysea_implementation");
        Assert.Equal("sequential_provider_chain", impl.GetProperty("failover_strategy").GetString());
        Assert.True(impl.GetProperty("supported_models_total").GetInt32() > 10);
    }

    [Fact]
    public async Task Estimate_Image_PerOutputTimesCount_WithAffordability()
    {
        var r = (await TestApp.GetAsync(_app.Client, "/v1/estimate/bfl/flux-schnell?count=2")).AssertOk();
        Assert.Equal(2, r.Data.GetProperty("assets_count").GetInt32());
        Assert.Equal(0.003m, r.Data.GetProperty("cost_per_generation").GetDecimal());
        Assert.Equal(0.006m, r.Data.GetProperty("cost_total_consumed").GetDecimal());
        Assert.Equal(1.000m, r.Data.GetProperty("credit_balance").GetDecimal());
        Assert.True(r.Data.GetProperty("credit_balance_can_afford").GetBoolean());
        Assert.Equal(333, r.Data.GetProperty("credit_balance_max_affordable").GetInt32());
    }

    [Fact]
    public async Task Estimate_CountIsClampedInto1To100()
        => Assert.Equal(100, (await TestApp.GetAsync(_app.Client, "/v1/estimate/bfl/flux-schnell?count=500")).AssertOk().Data.GetProperty("assets_count").GetInt32());

    [Fact]
    public async Task Estimate_Video_UsesTierForResolutionAndAudio()
    {
        var noAudio = (await TestApp.GetAsync(_app.Client, "/v1/estimate/bytedance/seedance-1.5-pro?duration=5&resolution=720p&audio=false")).AssertOk().Data;
        var audio = (await TestApp.GetAsync(_app.Client, "/v1/estimate/bytedance/seedance-1.5-pro?duration=5&resolution=720p&audio=true")).AssertOk().Data;
        Assert.Equal("video", audio.GetProperty("model_type").GetString());
        Assert.Equal(5, audio.GetProperty("duration_seconds").GetDouble());
        Assert.Equal("720p", audio.GetProperty("resolution").GetString());
        Assert.Equal(audio.GetProperty("cost_per_second").GetDecimal() * 5, audio.GetProperty("cost_per_generation").GetDecimal());
        Assert.True(audio.GetProperty("cost_per_second").GetDecimal() > noAudio.GetProperty("cost_per_second").GetDecimal());
    }

    [Fact]
    public async Task Estimate_Errors()
    {
        (await TestApp.GetAsync(_app.Client, "/v1/estimate/acme/none")).AssertError(HttpStatusCode.NotFound, "BSE2011");
        (await TestApp.GetAsync(_app.Client, "/v1/estimate/bfl/flux-schnell?count=two")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "count");
        (await TestApp.GetAsync(_app.Client, "/v1/estimate/bytedance/seedance-1-pro?resolution=8k")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "resolution");
    }

    [Fact]
    public async Task HealthProviders_ReportWindowStatisticsFromRealAttempts()
    {
        var ok = await _app.CreateGenerationAsync("fine", extraJson: "\"generation_provider_order\":\"replicate\"");
        var bad = await _app.CreateGenerationAsync("broken [[emulate server_error]]", extraJson: "\"generation_provider_order\":\"replicate\"");
        await _app.WaitForTerminalAsync(ok);
        await _app.WaitForTerminalAsync(bad);
        var r = (await TestApp.GetAsync(_app.Client, "/v1/health/inference/providers")).AssertOk();
        var replicate = r.Data.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == "replicate");
        var window = replicate.GetProperty("window");
        Assert.Equal((2, 1, 1), (window.GetProperty("total_attempts").GetInt32(), window.GetProperty("successes").GetInt32(), window.GetProperty("failures").GetInt32()));
        Assert.Equal(0.5, replicate.GetProperty("failure_rate").GetDouble());
        var fal = r.Data.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == "fal");
        Assert.Equal("unknown", fal.GetProperty("status").GetString()); // served, but nothing measured yet
    }

    [Fact]
    public async Task HealthModels_ShowAvailabilityAndRawIdPerProvider()
    {
        var r = (await TestApp.GetAsync(_app.Client, "/v1/health/inference/models")).AssertOk();
        var schnell = r.Data.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model_identifier").GetString() == "bfl/flux-schnell");
        var replicate = schnell.GetProperty("providers").GetProperty("replicate");
        Assert.True(replicate.GetProperty("available").GetBoolean());
        Assert.Equal("black-forest-labs/flux-schnell", replicate.GetProperty("raw_model_id").GetString());
    }
}
