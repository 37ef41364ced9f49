using System.Text.Json;

namespace BabySea.Appliance.Generations;

/// <summary>A validated generation body with the model's defaults filled in.</summary>
public sealed record GenerationRequest(
    string Prompt,
    string Ratio,
    string OutputFormat,
    int OutputNumber,
    IReadOnlyList<string> InputFiles,
    string? InputFileLast,
    double? Duration,
    string? Resolution,
    bool? GenerateAudio,
    string? ProviderOrder,
    IReadOnlyDictionary<string, JsonElement> Extras);
