using System.Text.Json;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;

namespace BabySea.Appliance.Routing.Catalog;

/// <summary>
/// The model catalog, read once from <c>config/models.json</c>. Loading is strict: an unknown key, a default
/// outside the schema or a provider the appliance does not know stops start-up with a message naming the key.
/// </summary>
public sealed class ModelCatalog
{
    private static readonly HashSet<string> ModelKeys =
        ["model_identifier", "model_type", "model_name", "model_pricing", "schema", "specific_schema", "limits", "defaults", "providers"];
    private static readonly HashSet<string> SchemaKeys =
    [
        "generation_prompt", "generation_ratio", "generation_output_format", "generation_output_number",
        "generation_input_file", "generation_duration", "generation_resolution", "generation_generate_audio",
    ];
    private static readonly HashSet<string> ProviderKeys = ["provider", "model", "params", "values", "fixed", "omit_with_input"];
    private static readonly HashSet<string> LimitKeys = ["max_input_files", "min_input_files", "input_file_last"];

    /// <summary>Request fields every model understands; anything else must be in the model's specific_schema.</summary>
    public static readonly IReadOnlySet<string> UnifiedFields = new HashSet<string>
    {
        "generation_prompt", "generation_ratio", "generation_output_format", "generation_output_number",
        "generation_input_file", "generation_input_file_last_content", "generation_duration",
        "generation_resolution", "generation_generate_audio", "generation_provider_order",
    };

    private readonly Dictionary<string, CatalogModel> _models;

    public ModelCatalog(IReadOnlyList<CatalogModel> models)
    {
        Models = models;
        _models = models.ToDictionary(m => m.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<CatalogModel> Models { get; }

    public CatalogModel? Find(string id) => _models.GetValueOrDefault(id);

    public static ModelCatalog Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var models = new List<CatalogModel>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in doc.RootElement.GetProperty("models").EnumerateArray())
        {
            var model = ParseModel(m);
            if (!seen.Add(model.Id)) throw Invalid(model.Id, "model_identifier", "appears twice");
            models.Add(model);
        }
        return new ModelCatalog(models);
    }

    private static CatalogModel ParseModel(JsonElement m)
    {
        var id = m.GetProperty("model_identifier").GetString() ?? throw new InvalidOperationException("models.json: a model has no model_identifier");
        RejectUnknown(m, ModelKeys, id, "");
        var type = MediaTypes.Parse(m.GetProperty("model_type").GetString()) ?? throw Invalid(id, "model_type", "must be image or video");
        var schema = ParseSchema(id, type, m.GetProperty("schema"));
        var specific = m.TryGetProperty("specific_schema", out var s) ? s.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
        foreach (var name in specific)
            if (!name.StartsWith("generation_", StringComparison.Ordinal) || UnifiedFields.Contains(name))
                throw Invalid(id, "specific_schema", $"'{name}' must start with generation_ and not repeat a unified field");

        var maxInputs = 0;
        var minInputs = 0;
        var lastFrame = false;
        if (m.TryGetProperty("limits", out var limits))
        {
            RejectUnknown(limits, LimitKeys, id, "limits.");
            maxInputs = limits.TryGetProperty("max_input_files", out var mi) ? mi.GetInt32() : 0;
            minInputs = limits.TryGetProperty("min_input_files", out var mn) ? mn.GetInt32() : 0;
            lastFrame = limits.TryGetProperty("input_file_last", out var lf) && lf.GetBoolean();
        }
        if (schema.InputFile && maxInputs < 1) throw Invalid(id, "limits.max_input_files", "must be at least 1 when schema.generation_input_file is true");
        if (minInputs < 0 || minInputs > maxInputs) throw Invalid(id, "limits.min_input_files", "must be between 0 and max_input_files");

        var defaults = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (m.TryGetProperty("defaults", out var d))
            foreach (var p in d.EnumerateObject()) defaults[p.Name] = p.Value.Clone();
        ValidateDefaults(id, schema, defaults);

        var pricingJson = m.TryGetProperty("model_pricing", out var pr) ? pr.Clone() : default;
        var pricing = ParsePricing(id, type, pricingJson, schema);

        var providers = m.GetProperty("providers").EnumerateArray().Select(p => ParseBinding(id, type, specific, p)).ToArray();
        if (providers.Length == 0) throw Invalid(id, "providers", "must name at least one provider");
        if (providers.Select(p => p.Provider).Distinct().Count() != providers.Length) throw Invalid(id, "providers", "names a provider twice");

        return new CatalogModel(id, type, m.TryGetProperty("model_name", out var n) ? n.GetString() ?? id : id,
            pricing, pricingJson, schema, specific, maxInputs, minInputs, lastFrame, defaults, providers);
    }

    private static ModelSchema ParseSchema(string id, MediaType type, JsonElement s)
    {
        RejectUnknown(s, SchemaKeys, id, "schema.");
        IReadOnlyList<string> Strings(string key) => s.TryGetProperty(key, out var v)
            ? v.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
        var schema = new ModelSchema(
            s.TryGetProperty("generation_prompt", out var p) && p.GetBoolean(),
            Strings("generation_ratio"),
            Strings("generation_output_format"),
            s.TryGetProperty("generation_output_number", out var n) ? n.GetInt32() : 1,
            s.TryGetProperty("generation_input_file", out var f) && f.GetBoolean(),
            s.TryGetProperty("generation_duration", out var du) ? du.EnumerateArray().Select(x => x.GetDouble()).ToArray() : null,
            s.TryGetProperty("generation_resolution", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToArray() : null,
            s.TryGetProperty("generation_generate_audio", out var a) ? a.GetBoolean() : null);
        if (schema.Ratios.Count == 0) throw Invalid(id, "schema.generation_ratio", "must list at least one ratio");
        if (schema.OutputFormats.Count == 0) throw Invalid(id, "schema.generation_output_format", "must list at least one format");
        if (schema.MaxOutputs < 1) throw Invalid(id, "schema.generation_output_number", "must be at least 1");
        if (type == MediaType.Video && schema.Durations is not { Count: > 0 })
            throw Invalid(id, "schema.generation_duration", "is required for video models");
        return schema;
    }

    private static void ValidateDefaults(string id, ModelSchema schema, Dictionary<string, JsonElement> defaults)
    {
        void In(string key, IReadOnlyList<string>? allowed)
        {
            if (defaults.TryGetValue(key, out var v) && (allowed is null || !allowed.Contains(v.GetString()!)))
                throw Invalid(id, "defaults." + key, $"'{v}' is not in schema.{key}");
        }
        In("generation_ratio", schema.Ratios);
        In("generation_output_format", schema.OutputFormats);
        In("generation_resolution", schema.Resolutions);
        if (defaults.TryGetValue("generation_duration", out var du) && schema.Durations?.Contains(du.GetDouble()) != true)
            throw Invalid(id, "defaults.generation_duration", $"'{du}' is not in schema.generation_duration");
        foreach (var key in defaults.Keys)
            if (!UnifiedFields.Contains(key)) throw Invalid(id, "defaults." + key, "is not a unified request field");
    }

    private static ModelPricing ParsePricing(string id, MediaType type, JsonElement p, ModelSchema schema)
    {
        switch (p.ValueKind)
        {
            case JsonValueKind.Number:
                return new ModelPricing(CheckPrice(id, "model_pricing", p.GetDecimal()), null);
            case JsonValueKind.Object:
                if (type == MediaType.Image) throw Invalid(id, "model_pricing", "tiered pricing is for video models");
                var tiers = p.EnumerateObject().ToDictionary(t => t.Name, t => CheckPrice(id, "model_pricing." + t.Name, t.Value.GetDecimal()));
                foreach (var resolution in schema.Resolutions ?? [])
                    if (!tiers.ContainsKey(resolution) && !tiers.ContainsKey(resolution + "_noaudio"))
                        throw Invalid(id, "model_pricing", $"has no tier for resolution '{resolution}'");
                return new ModelPricing(null, tiers);
            default:
                throw Invalid(id, "model_pricing", "must be a number or an object of tiers");
        }
    }

    private static decimal CheckPrice(string id, string key, decimal value)
        => value >= 0 && decimal.Round(value, 3) == value ? value : throw Invalid(id, key, "must be ≥ 0 with at most 3 decimals");

    private static ProviderBinding ParseBinding(string id, MediaType type, IReadOnlyList<string> specific, JsonElement p)
    {
        RejectUnknown(p, ProviderKeys, id, "providers[].");
        var provider = p.GetProperty("provider").GetString()!;
        if (ProviderModules.Find(provider) is not { } module) throw Invalid(id, "providers[].provider", $"'{provider}' is not a known provider");
        if (!module.Can.MediaTypes.Contains(type)) throw Invalid(id, "providers[].provider", $"{provider} does not serve {type.Name()} models");
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (p.TryGetProperty("params", out var ps))
            foreach (var e in ps.EnumerateObject())
            {
                if (!UnifiedFields.Contains(e.Name) && !specific.Contains(e.Name))
                    throw Invalid(id, $"providers[{provider}].params.{e.Name}", "is neither a unified field nor in specific_schema");
                parameters[e.Name] = e.Value.GetString()!;
            }
        var values = new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>(StringComparer.Ordinal);
        if (p.TryGetProperty("values", out var vs))
            foreach (var field in vs.EnumerateObject())
                values[field.Name] = field.Value.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.Clone(), StringComparer.Ordinal);
        var fixedParams = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (p.TryGetProperty("fixed", out var fx))
            foreach (var e in fx.EnumerateObject()) fixedParams[e.Name] = e.Value.Clone();
        var omit = p.TryGetProperty("omit_with_input", out var om) ? om.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
        return new ProviderBinding(provider, p.GetProperty("model").GetString()!, parameters, values, fixedParams, omit);
    }

    private static void RejectUnknown(JsonElement e, IReadOnlySet<string> allowed, string id, string path)
    {
        foreach (var p in e.EnumerateObject())
            if (!allowed.Contains(p.Name)) throw Invalid(id, path + p.Name, "is not a known key");
    }

    private static InvalidOperationException Invalid(string id, string key, string why)
        => new($"models.json: model '{id}': {key} {why}");
}
