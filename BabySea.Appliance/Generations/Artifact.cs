namespace BabySea.Appliance.Generations;

/// <summary>A stored output file: where it is under the data folder, and what it is.</summary>
public sealed record Artifact(int Index, string RelativePath, string Sha256, long Size, string ContentType, string Extension);
