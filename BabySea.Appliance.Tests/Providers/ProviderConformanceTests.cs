using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Providers;

/// <summary>
/// One scenario set for every provider this build serves, through the whole appliance: the generation is pinned
/// to the provider, the emulator rehearses a fault, and the caller must see the right outcome and BSE code.
/// </summary>
public sealed class ProviderConformanceTests : IClassFixture<ProviderConformanceTests.Host>
{
    private readonly Host _host;

    public ProviderConformanceTests(Host host) => _host = host;

    public sealed class Host : IAsyncLifetime
    {
        public TestApp App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            App = await TestApp.StartAsync(null, 0, [.. ProviderModules.All.Select(m => $"Routing:Providers:{m.Id}:SubmitTimeout=00:00:03"),
                "Emulator:ImageLatencyMs=150", "Emulator:VideoLatencyMs=300", "Emulator:ImageLongEdge=256", "Emulator:VideoLongEdge=128",
                "Routing:SubmitTimeout=00:00:03", "Routing:ImageResultDeadline=00:00:03", "Routing:VideoResultDeadline=00:00:03",
                "Routing:MinPollInterval=00:00:00.050", "Routing:MaxPollInterval=00:00:00.200",
                // This suite fires every fault at one provider on purpose; the breaker and Retry-After have their own tests.
                "Routing:CircuitMinimumThroughput=1000000", "Routing:MaxRetryAfter=00:00:00"]);
            var account = (await TestApp.GetAsync(App.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
            (await TestApp.PostAsync(App.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 100_000 })).AssertOk();
        }

        public async Task DisposeAsync()
        {
            await Invariants.CheckAsync(App);
            await App.DisposeAsync();
        }
    }

    /// <summary>Every fault kind and what the caller must see: null for success, else the generation's error code.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Expected = new Dictionary<string, string?>
    {
        ["ok"] = null,
        ["latency:600"] = null,
        ["rate_limit"] = "BSE4004",
        ["server_error"] = "BSE4001",
        ["capacity"] = "BSE4005",
        ["paused"] = "BSE4006",
        ["no_credits"] = "BSE4007",
        ["bad_key"] = "BSE4008",
        ["moderation"] = "BSE4009",
        ["moderation_late"] = "BSE4009",
        ["invalid_input"] = "BSE4010",
        ["malformed_json"] = "BSE4001",
        ["never_finish"] = "BSE4002",
        ["expired_output"] = "BSE4012",
        ["corrupt_output"] = "BSE4012",
    };

    private static readonly ModelCatalog Catalog = ModelCatalog.Load(AppHost.ConfigFile("models.json"));

    /// <summary>(provider, media type, model) for each media type a served provider has a model for.</summary>
    public static IEnumerable<object[]> Targets()
        => from module in ProviderModules.All
           from type in new[] { MediaType.Image, MediaType.Video }
           let model = Catalog.Models.FirstOrDefault(m => m.Type == type && m.MinInputFiles == 0 && m.Binding(module.Id) is not null)
           where model is not null
           select new object[] { module.Id, type.Name(), model.Id };

    public static IEnumerable<object[]> Scenarios()
        => from target in Targets() from fault in Expected.Keys select new[] { target[0], target[1], target[2], fault };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Fault_IsAnsweredLikeTheProvider_AndMapsToTheRightCode(string provider, string type, string model, string fault)
    {
        var id = await CreateAsync(provider, type, model, $"a lighthouse [[emulate {provider}:{fault}]]");
        var done = await _host.App.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));
        var expected = Expected[fault];
        if (expected is null)
        {
            Assert.True(done.GetProperty("generation_status").GetString() == "succeeded", done.ToString());
            Assert.Equal(provider, done.GetProperty("generation_provider_used").GetString());
            using var anonymous = new HttpClient();
            var bytes = await anonymous.GetByteArrayAsync(done.GetProperty("generation_output_file")[0].GetString());
            Assert.Equal(type == "video" ? "video/mp4" : $"image/{FormatOf(done)}", MediaSniffer.Detect(bytes)?.ContentType);
            if (fault.StartsWith("latency", StringComparison.Ordinal)) Assert.True(done.GetProperty("generation_metrics_total_time").GetDouble() >= 0.6);
            return;
        }
        Assert.True(done.GetProperty("generation_status").GetString() == "failed", done.ToString());
        Assert.Equal(expected, done.GetProperty("generation_error_code").GetString());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Cancel_WhileRunning_StopsTheProviderJob(string provider, string type, string model)
    {
        var id = await CreateAsync(provider, type, model, $"long [[emulate {provider}:latency:4000]]");
        await _host.App.WaitForAsync(id, s => s == "processing");
        var cancel = (await TestApp.PostRawAsync(_host.App.Client, $"/v1/content/generation/cancel/{id}", "")).AssertOk();
        Assert.True(cancel.Data.GetProperty("credits_refunded").GetBoolean());
        Assert.Equal("canceled", (await _host.App.WaitForTerminalAsync(id)).GetProperty("generation_status").GetString());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task InputFiles_AreAcceptedWhereTheModelTakesThem(string provider, string type, string model)
    {
        var m = Catalog.Find(model)!;
        var editing = Catalog.Models.FirstOrDefault(x => x.Type == m.Type && x.Schema.InputFile && x.Binding(provider)?.Params.ContainsKey("generation_input_file") == true);
        if (editing is null) return; // this provider serves no model of this type that takes input files
        var id = await CreateAsync(provider, type, editing.Id, "edit this", "\"generation_input_file\":[\"https://example.com/input.png\"]");
        var done = await _host.App.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));
        Assert.True(done.GetProperty("generation_status").GetString() == "succeeded", done.ToString());
    }

    private async Task<string> CreateAsync(string provider, string type, string model, string prompt, string? extra = null)
    {
        var m = Catalog.Find(model)!;
        var body = new JsonObject
        {
            ["generation_prompt"] = prompt,
            ["generation_provider_order"] = provider,
        };
        if (m.Type == MediaType.Video) body["generation_duration"] = m.Schema.Durations![0];
        var json = body.ToJsonString();
        if (extra is not null) json = json[..^1] + "," + extra + "}";
        var r = await TestApp.PostRawAsync(_host.App.Client, $"/v1/generate/{type}/{model}", json);
        r.AssertOk();
        return r.Data.GetProperty("generation_id").GetString()!;
    }

    private static string FormatOf(JsonElement g) => g.GetProperty("generation_output_format").GetString() switch
    {
        "jpg" => "jpeg",
        var f => f!,
    };
}
