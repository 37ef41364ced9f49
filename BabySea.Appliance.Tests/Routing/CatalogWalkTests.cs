using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Providers.Fal;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Tests.Providers.Emulator.Media;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Routing;

/// <summary>
/// Walks the whole shipped catalog: every model, on every provider of its stack, through that provider's emulator,
/// once from text alone and once from input files where the model takes them. The emulators refuse parameter names
/// their provider does not publish, so a wrong binding fails here; every output is decoded by a real decoder.
/// </summary>
public sealed class CatalogWalkTests : IAsyncLifetime
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Load(AppHost.ConfigFile("models.json"));
    private const int Parallelism = 24;

    private readonly UncappedPlans _plans = new();
    private TestApp _app = null!;

    /// <summary>One generation of the walk: a model pinned to one provider, with this many input files.</summary>
    public sealed record Walk(CatalogModel Model, ProviderBinding Binding, int InputFiles)
    {
        public bool LastFrame => InputFiles > 0 && Model.InputFileLast;

        public override string ToString() => $"{Model.Id} on {Binding.Provider}{(InputFiles > 0 ? $" with {InputFiles} input file(s)" : "")}";
    }

    public static IReadOnlyList<Walk> Walks()
        => (from model in Catalog.Models
            from binding in model.Providers
            from inputs in InputCounts(model)
            select new Walk(model, binding, inputs)).ToList();

    /// <summary>No input where the model allows none; otherwise two files (or as many as it allows) to exercise list mapping.</summary>
    private static IEnumerable<int> InputCounts(CatalogModel model)
    {
        if (model.MinInputFiles == 0) yield return 0;
        if (model.Schema.InputFile) yield return Math.Max(model.MinInputFiles, Math.Min(2, model.MaxInputFiles));
    }

    public async Task InitializeAsync()
    {
        // The walk runs hundreds of generations at once.
        _app = await TestApp.StartAsync(null, 0, [_plans.Setting,
            "Emulator:ImageLatencyMs=20", "Emulator:VideoLatencyMs=40", "Emulator:ImageLongEdge=64", "Emulator:VideoLongEdge=64",
            "Routing:MinPollInterval=00:00:00.020", "Routing:MaxPollInterval=00:00:00.100", "Routing:CircuitMinimumThroughput=1000000"]);
        var account = (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 1_000_000 })).AssertOk();
    }

    public async Task DisposeAsync()
    {
        await Invariants.CheckAsync(_app);
        await _app.DisposeAsync();
        _plans.Dispose();
    }

    [Fact]
    public void Catalog_IsTheFullCatalog()
    {
        Assert.True(Catalog.Models.Count >= 84, $"{Catalog.Models.Count} models");
        Assert.True(Catalog.Models.Select(m => m.Id.Split('/')[0]).Distinct().Count() >= 8);
        foreach (var provider in ProviderModules.All.Select(m => m.Id).ToArray())
            Assert.Contains(Catalog.Models, m => m.Type == MediaType.Image && m.Binding(provider) is not null);
        foreach (var provider in new[] { "replicate", "fal", "byteplus", "runway", "alibabacloud" })
        {
            var videos = Catalog.Models.Where(m => m.Type == MediaType.Video && m.Binding(provider) is not null).ToList();
            Assert.Contains(videos, m => m.MinInputFiles == 0);
            Assert.Contains(videos, m => m.Schema.InputFile && m.Binding(provider)!.Params.ContainsKey("generation_input_file"));
        }
    }

    [Fact]
    public void EveryBindingInputFile_IsMappedOnEveryProviderOfItsModel()
    {
        // A provider that would silently drop the caller's files must not be in the stack of a model that takes them.
        var unmapped = Catalog.Models.Where(m => m.Schema.InputFile)
            .SelectMany(m => m.Providers.Where(b => !b.Params.ContainsKey("generation_input_file")).Select(b => $"{m.Id} on {b.Provider}")).ToList();
        Assert.Empty(unmapped);
    }

    [Fact]
    public void EveryWalk_TargetsAModelItsEmulatorKnowsTheSchemaOf()
    {
        var unknown = Walks().Where(w => NativeSchemas.For(w.Binding.Provider, WireModel(w)) is null).Select(w => $"{w} ({WireModel(w)})").ToList();
        Assert.Empty(unknown);
    }

    [Fact]
    public async Task EveryModel_GeneratesDecodableMedia_OnEveryProviderOfItsStack()
    {
        var walks = Walks();
        var failures = new ConcurrentBag<string>();
        using var files = new HttpClient();
        await Parallel.ForEachAsync(walks, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (walk, _) =>
        {
            try
            {
                if (await RunAsync(walk, files) is { } failure) failures.Add($"{walk}: {failure}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{walk}: {e.Message}");
            }
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} of {walks.Count} walks failed:\n" + string.Join("\n", failures.Order()));
    }

    private async Task<string?> RunAsync(Walk walk, HttpClient files)
    {
        var model = walk.Model;
        var body = new JsonObject { ["generation_prompt"] = "a harbour seal on pack ice", ["generation_provider_order"] = walk.Binding.Provider };
        if (model.Type == MediaType.Video) body["generation_duration"] = model.Defaults["generation_duration"].GetDouble();
        if (walk.InputFiles > 0)
            body["generation_input_file"] = new JsonArray(Enumerable.Range(0, walk.InputFiles)
                .Select(i => (JsonNode)JsonValue.Create($"https://files.example.com/input-{i}.png")).ToArray());
        if (walk.LastFrame) body["generation_input_file_last_content"] = "https://files.example.com/last.png";

        var created = await TestApp.PostRawAsync(_app.Client, $"/v1/generate/{model.Type.Name()}/{model.Id}", body.ToJsonString());
        if (created.Status != System.Net.HttpStatusCode.OK) return $"create answered {(int)created.Status}: {created.Text}";
        var done = await _app.WaitForTerminalAsync(created.Data.GetProperty("generation_id").GetString()!, TimeSpan.FromSeconds(60));
        if (done.GetProperty("generation_status").GetString() != "succeeded") return $"ended {done}";
        if (done.GetProperty("generation_provider_used").GetString() != walk.Binding.Provider) return $"served by {done.GetProperty("generation_provider_used")}";

        var bytes = await files.GetByteArrayAsync(done.GetProperty("generation_output_file")[0].GetString());
        return await DecodeProblemAsync(bytes, model.Type);
    }

    /// <summary>Null when a real decoder reads the output as media of the requested kind; otherwise what is wrong with it.</summary>
    private static async Task<string?> DecodeProblemAsync(byte[] bytes, MediaType type)
    {
        var kind = MediaSniffer.Detect(bytes);
        if (kind is null) return "the output is not a known media file";
        if (type == MediaType.Video != (kind.ContentType == "video/mp4")) return $"asked for {type.Name()}, got {kind.ContentType}";
        switch (kind.ContentType)
        {
            case "image/png":
                var png = PngTestDecoder.Decode(bytes, out _);
                return png.Width > 0 && png.Height > 0 ? null : "the PNG decodes to nothing";
            case "image/jpeg":
                using (var jpeg = new TempFile(bytes, ".jpg"))
                {
                    var (code, stdout, stderr) = await ExternalTool.RunAsync("djpeg", "libjpeg-turbo-progs", "-ppm", jpeg.Path);
                    return code == 0 && PpmReader.Read(stdout).Width > 0 ? null : $"djpeg: {stderr}";
                }
            case "image/webp":
                using (var webp = new TempFile(bytes, ".webp"))
                using (var ppm = new TempFile([], ".ppm"))
                {
                    var (code, _, stderr) = await ExternalTool.RunAsync("dwebp", "webp", webp.Path, "-ppm", "-o", ppm.Path);
                    return code == 0 && PpmReader.Read(await File.ReadAllBytesAsync(ppm.Path)).Width > 0 ? null : $"dwebp: {stderr}";
                }
            default:
                using (var mp4 = new TempFile(bytes, ".mp4"))
                {
                    var info = await Mp4EncoderTests.Probe(mp4.Path);
                    return info["codec_name"] == "h264" && int.Parse(info["nb_read_frames"], System.Globalization.CultureInfo.InvariantCulture) > 0
                        ? null
                        : $"ffprobe: {string.Join(", ", info.Select(p => $"{p.Key}={p.Value}"))}";
                }
        }
    }

    /// <summary>The model name the provider's wire carries for this walk, as the emulator's schema table keys it.</summary>
    private static string WireModel(Walk walk) => walk.Binding.Provider switch
    {
        FalAdapter.ProviderId => FalAdapter.Endpoint(walk.Binding.Model, walk.Model.Type, walk.InputFiles > 0),
        "openai" when walk.InputFiles > 0 => walk.Binding.Model + "/edits",
        _ => walk.Binding.Model,
    };
}
