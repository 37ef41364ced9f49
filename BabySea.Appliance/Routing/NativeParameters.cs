using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Routing;

/// <summary>
/// Turns a unified request into a provider's native input using the catalog binding: each unified field goes
/// to the native name the binding gives (<c>name[]</c> for a list), through its value map, plus the binding's constant extras. A field
/// the binding does not name is not sent, nor is a name the binding omits when the request carries input files.
/// </summary>
public static class NativeParameters
{
    public static JsonObject Map(ProviderBinding binding, GenerationRequest r)
    {
        var native = new JsonObject();
        foreach (var (name, value) in binding.Fixed) native[name] = JsonNode.Parse(value.GetRawText());

        void Put(string field, JsonNode? value)
        {
            if (value is null || !binding.Params.TryGetValue(field, out var nativeName)) return;
            if (TakesList(nativeName))
            {
                nativeName = nativeName[..^2];
                if (value is not JsonArray) value = new JsonArray(value);
            }
            else if (value is JsonArray { Count: > 0 } list && field == "generation_input_file")
                value = list[0]!.DeepClone();
            if (binding.Values.TryGetValue(field, out var map) && value is JsonValue v && v.TryGetValue<string>(out var key)
                && map.TryGetValue(key, out var translated))
                value = JsonNode.Parse(translated.GetRawText());
            native[nativeName] = value;
        }

        Put("generation_prompt", r.Prompt.Length > 0 ? JsonValue.Create(r.Prompt) : null);
        Put("generation_ratio", JsonValue.Create(r.Ratio));
        Put("generation_output_format", JsonValue.Create(r.OutputFormat));
        Put("generation_output_number", JsonValue.Create(r.OutputNumber));
        if (r.InputFiles.Count > 0) Put("generation_input_file", new JsonArray(r.InputFiles.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()));
        Put("generation_input_file_last_content", r.InputFileLast is { } last ? JsonValue.Create(last) : null);
        Put("generation_duration", r.Duration is { } d ? (d % 1 == 0 ? JsonValue.Create((int)d) : JsonValue.Create(d)) : null);
        Put("generation_resolution", r.Resolution is { } res ? JsonValue.Create(res) : null);
        Put("generation_generate_audio", r.GenerateAudio is { } a ? JsonValue.Create(a) : null);
        foreach (var (name, value) in r.Extras) Put(name, JsonNode.Parse(value.GetRawText()));
        if (r.InputFiles.Count > 0)
            foreach (var name in binding.OmitWithInput) native.Remove(name);
        return native;
    }

    /// <summary>A native name written <c>name[]</c> in the catalog takes a list; otherwise the first URL alone.</summary>
    private static bool TakesList(string nativeName) => nativeName.EndsWith("[]", StringComparison.Ordinal);
}
