using System.Text.Json;
using BabySea.Appliance.Api;
using BabySea.Appliance.Routing.Catalog;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Checks a generation body against its model's schema and fills the model's defaults. Wrong types and
/// unknown fields are BSE2001, values outside an allowed range BSE2008; each error names its field.
/// </summary>
public static class GenerationValidator
{
    public const int MaxPromptLength = 5000;
    private const int MaxUrlLength = 2048;

    public static (GenerationRequest? Request, ApiError? Error) Validate(CatalogModel model, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return (null, ApiError.Field("body", "The request body must be a JSON object."));
        foreach (var p in body.EnumerateObject())
            if (!ModelCatalog.UnifiedFields.Contains(p.Name) && !model.SpecificSchema.Contains(p.Name))
                return (null, ApiError.Field(p.Name, $"Unknown field '{p.Name}' for model {model.Id}."));

        var schema = model.Schema;
        JsonElement? Get(string name) => body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v
            : model.Defaults.TryGetValue(name, out var d) ? d : null;

        // Prompt.
        var prompt = "";
        if (Get("generation_prompt") is { } pe)
        {
            if (pe.ValueKind != JsonValueKind.String) return (null, TypeError("generation_prompt", "a string"));
            prompt = pe.GetString()!;
        }
        if (schema.Prompt && string.IsNullOrWhiteSpace(prompt))
            return (null, ApiError.Field("generation_prompt", "generation_prompt is required."));
        if (prompt.Length > MaxPromptLength)
            return (null, OutOfRange("generation_prompt", $"generation_prompt is {prompt.Length} characters; the maximum is {MaxPromptLength}.").With("max", MaxPromptLength));

        var (ratio, ratioError) = Choice(Get("generation_ratio"), "generation_ratio", schema.Ratios, schema.Ratios[0]);
        if (ratioError is not null) return (null, ratioError);
        var format = Get("generation_output_format");
        if (format is { ValueKind: JsonValueKind.String } f && f.GetString() == "jpeg") format = JsonSerializer.SerializeToElement("jpg", AppJsonContext.Default.String);
        var (outputFormat, formatError) = Choice(format, "generation_output_format", schema.OutputFormats, schema.OutputFormats[0]);
        if (formatError is not null) return (null, formatError);

        var count = 1;
        if (Get("generation_output_number") is { } ce)
        {
            if (ce.ValueKind != JsonValueKind.Number || !ce.TryGetInt32(out count)) return (null, TypeError("generation_output_number", "an integer"));
            if (count < 1 || count > schema.MaxOutputs)
                return (null, OutOfRange("generation_output_number", $"generation_output_number must be between 1 and {schema.MaxOutputs}.").With("min", 1).With("max", schema.MaxOutputs));
        }

        var (inputs, inputError) = InputFiles(model, Get("generation_input_file"));
        if (inputError is not null) return (null, inputError);

        string? last = null;
        if (Get("generation_input_file_last_content") is { } le)
        {
            if (!model.InputFileLast) return (null, ApiError.Field("generation_input_file_last_content", $"Model {model.Id} does not take a last frame."));
            if (le.ValueKind != JsonValueKind.String) return (null, TypeError("generation_input_file_last_content", "a URL string"));
            last = le.GetString()!;
            if (!IsHttpUrl(last)) return (null, ApiError.Field("generation_input_file_last_content", "generation_input_file_last_content must be an http(s) URL."));
        }

        double? duration = null;
        // The duration is the one field never defaulted: it is what makes a request a video request (reference §2).
        if (body.TryGetProperty("generation_duration", out var de) && de.ValueKind != JsonValueKind.Null)
        {
            if (schema.Durations is null) return (null, ApiError.Field("generation_duration", $"Model {model.Id} does not take a duration."));
            if (de.ValueKind != JsonValueKind.Number) return (null, TypeError("generation_duration", "a number of seconds"));
            duration = de.GetDouble();
            if (!schema.Durations.Contains(duration.Value))
                return (null, OutOfRange("generation_duration", $"generation_duration must be one of {string.Join(", ", schema.Durations)}.")
                    .With("allowed", schema.Durations.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));
        }
        else if (model.Type == MediaType.Video)
            return (null, ApiError.Field("generation_duration", "generation_duration is required for video models."));

        string? resolution = null;
        if (schema.Resolutions is { } resolutions)
        {
            var (r, rError) = Choice(Get("generation_resolution"), "generation_resolution", resolutions, resolutions[0]);
            if (rError is not null) return (null, rError);
            resolution = r;
        }
        else if (Get("generation_resolution") is not null)
            return (null, ApiError.Field("generation_resolution", $"Model {model.Id} does not take a resolution."));

        bool? audio = null;
        if (Get("generation_generate_audio") is { } ae)
        {
            if (schema.GenerateAudio is null) return (null, ApiError.Field("generation_generate_audio", $"Model {model.Id} does not generate audio."));
            if (ae.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return (null, TypeError("generation_generate_audio", "a boolean"));
            audio = ae.GetBoolean();
            if (audio == true && schema.GenerateAudio == false)
                return (null, ApiError.Field("generation_generate_audio", $"Model {model.Id} cannot generate audio."));
        }
        else if (schema.GenerateAudio is not null) audio = false;

        string? order = null;
        if (Get("generation_provider_order") is { } oe)
        {
            if (oe.ValueKind != JsonValueKind.String) return (null, TypeError("generation_provider_order", "a string"));
            order = oe.GetString();
        }

        var extras = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var name in model.SpecificSchema)
            if (Get(name) is { } xe)
            {
                if (xe.ValueKind is JsonValueKind.Object or JsonValueKind.Array && xe.GetRawText().Length > 10_000)
                    return (null, OutOfRange(name, $"{name} is too large."));
                extras[name] = xe.Clone();
            }

        return (new GenerationRequest(prompt, ratio!, outputFormat!, count, inputs, last, duration, resolution, audio, order, extras), null);
    }

    private static (IReadOnlyList<string> Files, ApiError? Error) InputFiles(CatalogModel model, JsonElement? value)
    {
        if (value is not { } e)
            return model.MinInputFiles > 0
                ? ([], ApiError.Field("generation_input_file", $"Model {model.Id} needs at least {model.MinInputFiles} input file(s)."))
                : ([], null);
        if (!model.Schema.InputFile) return ([], ApiError.Field("generation_input_file", $"Model {model.Id} does not take input files."));
        if (e.ValueKind != JsonValueKind.Array) return ([], TypeError("generation_input_file", "an array of URLs"));
        var files = new List<string>();
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !IsHttpUrl(item.GetString()!))
                return ([], ApiError.Field("generation_input_file", "Every generation_input_file entry must be an http(s) URL."));
            files.Add(item.GetString()!);
        }
        if (files.Count < model.MinInputFiles)
            return ([], ApiError.Field("generation_input_file", $"Model {model.Id} needs at least {model.MinInputFiles} input file(s)."));
        if (files.Count > model.MaxInputFiles)
            return ([], OutOfRange("generation_input_file", $"Model {model.Id} takes at most {model.MaxInputFiles} input files.").With("max", model.MaxInputFiles));
        return (files, null);
    }

    private static (string? Value, ApiError? Error) Choice(JsonElement? value, string field, IReadOnlyList<string> allowed, string fallback)
    {
        if (value is not { } e) return (fallback, null);
        if (e.ValueKind != JsonValueKind.String) return (null, TypeError(field, "a string"));
        var s = e.GetString()!;
        return allowed.Contains(s) ? (s, null)
            : (null, ApiError.Field(field, $"{field} '{s}' is not supported; allowed: {string.Join(", ", allowed)}.").With("allowed", allowed.ToArray()));
    }

    private static bool IsHttpUrl(string s)
        => s.Length <= MaxUrlLength && Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);

    private static ApiError TypeError(string field, string expected) => ApiError.Field(field, $"{field} must be {expected}.");

    private static ApiError OutOfRange(string field, string message) => ApiError.Field(field, message, BseCode.ParameterOutOfRange);
}
