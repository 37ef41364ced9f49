using System.Text.Json;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Routing;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Providers;

/// <summary>
/// Each emulator refuses a parameter name its provider does not publish for the model, in the provider's own error
/// shape, which its adapter reads as an invalid request naming the parameter; the same call without it goes through.
/// </summary>
public sealed class EmulatorSchemaTests : IAsyncLifetime
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Load(AppHost.ConfigFile("models.json"));
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(null, 0, "Emulator:ImageLatencyMs=20", "Emulator:VideoLatencyMs=40");
    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Every provider with the first image model it serves, and each video-serving provider with its first video model.</summary>
    public static IEnumerable<object[]> Targets()
        => from provider in ProviderModules.All.Select(m => m.Id).ToArray()
           from type in new[] { MediaType.Image, MediaType.Video }
           let model = Catalog.Models.FirstOrDefault(m => m.Type == type && m.MinInputFiles == 0 && m.Binding(provider) is not null)
           where model is not null
           select new object[] { provider, model.Id };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task UnknownParameter_IsRefusedAsAnInvalidRequest_KnownOnesPass(string provider, string modelId)
    {
        var adapter = _app.Service<ProviderRegistry>().Find(provider)!;
        var valid = Request(Catalog.Find(modelId)!, provider);

        var accepted = await adapter.SubmitAsync(valid, CancellationToken.None);
        Assert.False(accepted is SubmitOutcome.Failed, (accepted as SubmitOutcome.Failed)?.Failure.Message);

        var withBogus = valid with { NativeInput = (System.Text.Json.Nodes.JsonObject)valid.NativeInput.DeepClone() };
        withBogus.NativeInput["bogus_param"] = 1;
        var refused = Assert.IsType<SubmitOutcome.Failed>(await adapter.SubmitAsync(withBogus, CancellationToken.None));
        Assert.Equal(FailureKind.InvalidRequest, refused.Failure.Kind);
        Assert.Contains("bogus_param", refused.Failure.Message);
    }

    private static ProviderRequest Request(CatalogModel model, string provider)
    {
        string Default(string field) => model.Defaults.TryGetValue(field, out var v) ? v.GetString()! : "";
        var unified = new GenerationRequest("a harbour seal", Default("generation_ratio"), Default("generation_output_format"), 1, [], null,
            model.Type == MediaType.Video ? model.Defaults["generation_duration"].GetDouble() : null,
            model.Schema.Resolutions?[0], model.Schema.GenerateAudio is null ? null : false, provider, new Dictionary<string, JsonElement>());
        var binding = model.Binding(provider)!;
        return new ProviderRequest("gen_schema", model.Type, binding.Model, NativeParameters.Map(binding, unified), unified);
    }
}
