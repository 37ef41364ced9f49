using BabySea.Appliance.Providers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Api;

/// <summary>
/// The library as a client uses it: every model's entry is enough to build a request the appliance accepts, every
/// model is priced as <c>config/models.json</c> lists it (read here as plain JSON, not through the loader), the
/// provider library names what each provider serves, and the README's table is the shipped catalog.
/// </summary>
public sealed class LibraryCatalogTests : IAsyncLifetime
{
    private readonly UncappedPlans _plans = new();
    private TestApp _app = null!;

    private static JsonElement ShippedModels()
        => JsonDocument.Parse(File.ReadAllText(AppHost.ConfigFile("models.json"))).RootElement.GetProperty("models");

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, 0, [_plans.Setting, "Emulator:ImageLatencyMs=20", "Emulator:VideoLatencyMs=40",
            "Emulator:ImageLongEdge=64", "Emulator:VideoLongEdge=64"]);
        var account = (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 10_000 })).AssertOk();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _plans.Dispose();
    }

    [Fact]
    public async Task Models_ShowLimitsAsTheCatalogDefinesThem()
    {
        var listed = await LibraryModelsAsync();
        var shipped = ShippedModels().EnumerateArray().ToList();
        Assert.Equal(shipped.Count, listed.Count);
        foreach (var m in shipped)
        {
            var id = m.GetProperty("model_identifier").GetString()!;
            var limits = listed[id].GetProperty("model_limits");
            var declared = m.GetProperty("limits");
            Assert.Equal(declared.GetProperty("max_input_files").GetInt32(), limits.GetProperty("max_input_files").GetInt32());
            Assert.Equal(declared.TryGetProperty("min_input_files", out var min) ? min.GetInt32() : 0, limits.GetProperty("min_input_files").GetInt32());
            Assert.Equal(declared.GetProperty("input_file_last").GetBoolean(), limits.GetProperty("input_file_last").GetBoolean());
            Assert.Equal(m.GetProperty("schema").GetProperty("generation_output_number").GetInt32(), limits.GetProperty("max_output_number").GetInt32());
            Assert.Equal(m.GetProperty("model_type").GetString() == "video", limits.GetProperty("duration_required").GetBoolean());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(m.GetProperty("defaults").GetRawText()), JsonNode.Parse(listed[id].GetProperty("model_defaults").GetRawText())), id);
        }
        // The case the issue names: Aleph cannot run without the video it edits.
        Assert.Equal(1, listed["runway/gen4-aleph"].GetProperty("model_limits").GetProperty("min_input_files").GetInt32());
    }

    [Fact]
    public async Task Models_AreEnoughToBuildAValidRequest_AndTheLimitsAreEnforced()
    {
        foreach (var (id, model) in await LibraryModelsAsync())
        {
            var type = model.GetProperty("model_type").GetString()!;
            var limits = model.GetProperty("model_limits");
            var request = RequestFromLibrary(model, limits.GetProperty("min_input_files").GetInt32());
            var created = await TestApp.PostRawAsync(_app.Client, $"/v1/generate/{type}/{id}", request.ToJsonString());
            Assert.True(created.Status == HttpStatusCode.OK, $"{id}: {created.Text}");

            var min = limits.GetProperty("min_input_files").GetInt32();
            if (min > 0)
                (await TestApp.PostRawAsync(_app.Client, $"/v1/generate/{type}/{id}", RequestFromLibrary(model, min - 1).ToJsonString()))
                    .AssertError(HttpStatusCode.BadRequest, "BSE2001", "generation_input_file");
            var max = limits.GetProperty("max_input_files").GetInt32();
            if (max > 0)
                (await TestApp.PostRawAsync(_app.Client, $"/v1/generate/{type}/{id}", RequestFromLibrary(model, max + 1).ToJsonString()))
                    .AssertError(HttpStatusCode.UnprocessableEntity, "BSE2008", "generation_input_file");
            if (max > 0 && !limits.GetProperty("input_file_last").GetBoolean())
            {
                var withLast = RequestFromLibrary(model, Math.Max(1, min));
                withLast["generation_input_file_last_content"] = "https://files.example.com/last.png";
                (await TestApp.PostRawAsync(_app.Client, $"/v1/generate/{type}/{id}", withLast.ToJsonString()))
                    .AssertError(HttpStatusCode.BadRequest, "BSE2001", "generation_input_file_last_content");
            }
        }
    }

    [Fact]
    public async Task Estimate_PricesEveryModel_AsModelsJsonLists()
    {
        foreach (var m in ShippedModels().EnumerateArray())
        {
            var id = m.GetProperty("model_identifier").GetString()!;
            var pricing = m.GetProperty("model_pricing");
            if (m.GetProperty("model_type").GetString() == "image")
            {
                var image = (await TestApp.GetAsync(_app.Client, $"/v1/estimate/{id}?count=3")).AssertOk().Data;
                Assert.Equal(pricing.GetDecimal(), image.GetProperty("cost_per_generation").GetDecimal());
                Assert.Equal(pricing.GetDecimal() * 3, image.GetProperty("cost_total_consumed").GetDecimal());
                continue;
            }
            var duration = m.GetProperty("schema").GetProperty("generation_duration").EnumerateArray().Last().GetDouble();
            var tiers = pricing.ValueKind == JsonValueKind.Number
                ? [(null, null, pricing.GetDecimal())]
                : pricing.EnumerateObject().Select(t => Tier(t.Name, t.Value.GetDecimal())).ToList();
            foreach (var (resolution, audio, rate) in tiers)
            {
                var query = $"duration={duration.ToString(CultureInfo.InvariantCulture)}"
                    + (resolution is null ? "" : $"&resolution={resolution}") + (audio is null ? "" : $"&audio={(audio.Value ? "true" : "false")}");
                var video = (await TestApp.GetAsync(_app.Client, $"/v1/estimate/{id}?{query}")).AssertOk().Data;
                Assert.True(rate == video.GetProperty("cost_per_second").GetDecimal(), $"{id} {query}: {video}");
                // Per-second rates times the duration, rounded up to the next thousandth of a credit.
                var expected = Math.Ceiling(rate * (decimal)duration * 1000) / 1000;
                Assert.True(expected == video.GetProperty("cost_per_generation").GetDecimal(), $"{id} {query}: {video}");
            }
        }
    }

    [Fact]
    public async Task Providers_ShowNameModelsServedAndConfiguredState()
    {
        var shipped = ShippedModels().EnumerateArray().ToList();
        var names = JsonDocument.Parse(File.ReadAllText(AppHost.ConfigFile("providers.json"))).RootElement.GetProperty("providers").EnumerateArray()
            .ToDictionary(p => p.GetProperty("provider_id").GetString()!, p => p.GetProperty("provider_name").GetString()!);
        var providers = await LibraryProvidersAsync(_app);
        Assert.Equal(ProviderModules.All.Select(m => m.Id).ToArray().Order(), providers.Keys.Order());
        foreach (var (id, p) in providers)
        {
            Assert.Equal(names[id], p.GetProperty("provider_name").GetString());
            var served = shipped.Where(m => m.GetProperty("providers").EnumerateArray().Any(b => b.GetProperty("provider").GetString() == id))
                .Select(m => m.GetProperty("model_identifier").GetString()).ToList();
            Assert.Equal(served, p.GetProperty("provider_models").EnumerateArray().Select(x => x.GetString()));
            Assert.Equal(served.Count, p.GetProperty("babysea_implementation").GetProperty("supported_models_total").GetInt32());
            Assert.False(p.GetProperty("provider_configured").GetBoolean());
            Assert.Equal("emulated", p.GetProperty("provider_status").GetString());
        }

        await using var withKey = await TestApp.StartAsync(null, 0, "Providers:bfl:ApiKey=bfl_operator_key");
        var bfl = (await LibraryProvidersAsync(withKey))["bfl"];
        Assert.True(bfl.GetProperty("provider_configured").GetBoolean());
        Assert.Equal("active", bfl.GetProperty("provider_status").GetString());
        Assert.Equal("BFL_API_KEY", bfl.GetProperty("api_key_env").GetString());
    }

    [Fact]
    public async Task ReadmeTable_IsWhatTheModelsVerbPrints_ForTheShippedCatalog()
    {
        var printed = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["models"], printed, new StringWriter()));
        Assert.Equal(CatalogTable.Markdown(ModelCatalog.Load(AppHost.ConfigFile("models.json"))), printed.ToString());

        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));
        const string begin = "<!-- models:begin -->\n", end = "<!-- models:end -->";
        var start = readme.IndexOf(begin, StringComparison.Ordinal) + begin.Length;
        Assert.True(start >= begin.Length, "README has no generated models table");
        Assert.Equal(printed.ToString(), readme[start..readme.IndexOf(end, start, StringComparison.Ordinal)]);
        foreach (var m in ShippedModels().EnumerateArray())
            Assert.Contains($"| `{m.GetProperty("model_identifier").GetString()}` |", readme);
    }

    /// <summary>A request built only from what the library says: first allowed values, the first duration and resolution, <paramref name="inputs"/> files.</summary>
    private static JsonObject RequestFromLibrary(JsonElement model, int inputs)
    {
        var schema = model.GetProperty("schema");
        var request = new JsonObject
        {
            ["generation_prompt"] = "a harbour seal on pack ice",
            ["generation_ratio"] = schema.GetProperty("generation_ratio")[0].GetString(),
            ["generation_output_format"] = schema.GetProperty("generation_output_format")[0].GetString(),
            ["generation_output_number"] = 1,
        };
        if (schema.TryGetProperty("generation_duration", out var durations)) request["generation_duration"] = durations[0].GetDouble();
        if (schema.TryGetProperty("generation_resolution", out var resolutions)) request["generation_resolution"] = resolutions[0].GetString();
        if (inputs > 0)
            request["generation_input_file"] = new JsonArray(Enumerable.Range(0, inputs)
                .Select(i => (JsonNode)JsonValue.Create($"https://files.example.com/input-{i}.png")).ToArray());
        return request;
    }

    private static (string? Resolution, bool? Audio, decimal Rate) Tier(string key, decimal rate) => key.Split('_') switch
    {
        [var resolution, "audio"] => (resolution, true, rate),
        [var resolution, "noaudio"] => (resolution, false, rate),
        _ => (key, null, rate),
    };

    private async Task<Dictionary<string, JsonElement>> LibraryModelsAsync()
        => (await TestApp.GetAsync(_app.Client, "/v1/library/models")).AssertOk().Data.GetProperty("models").EnumerateArray()
            .ToDictionary(m => m.GetProperty("model_identifier").GetString()!);

    private static async Task<Dictionary<string, JsonElement>> LibraryProvidersAsync(TestApp app)
        => (await TestApp.GetAsync(app.Client, "/v1/library/providers")).AssertOk().Data.GetProperty("providers").EnumerateArray()
            .ToDictionary(p => p.GetProperty("provider_id").GetString()!);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BabySea.sln"))) return dir.FullName;
        throw new InvalidOperationException("BabySea.sln not found above the test binaries");
    }
}
