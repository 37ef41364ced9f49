namespace BabySea.Appliance.Routing.Catalog;

/// <summary>What a model accepts (reference §3.5 "Library models" <c>schema</c>).</summary>
public sealed record ModelSchema(
    bool Prompt,
    IReadOnlyList<string> Ratios,
    IReadOnlyList<string> OutputFormats,
    int MaxOutputs,
    bool InputFile,
    IReadOnlyList<double>? Durations,
    IReadOnlyList<string>? Resolutions,
    bool? GenerateAudio);
