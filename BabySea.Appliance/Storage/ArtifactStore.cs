using System.Security.Cryptography;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Routing;

namespace BabySea.Appliance.Storage;

/// <summary>Output files on disk under <c>{data}/artifacts/{generation}/</c>, each with its hash, size and type.</summary>
public sealed class ArtifactStore(string dataDir)
{
    private string Root => Path.Combine(dataDir, "artifacts");

    public async Task<IReadOnlyList<Artifact>> SaveAsync(string generationId, IReadOnlyList<FetchedOutput> outputs, CancellationToken ct)
    {
        var folder = Path.Combine(Root, generationId);
        Directory.CreateDirectory(folder);
        var artifacts = new List<Artifact>();
        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            var name = $"{i}.{output.Extension}";
            var path = Path.Combine(folder, name);
            // Written under a temporary name and renamed, so a crash never leaves a half file under the real name.
            var temp = path + ".part";
            await File.WriteAllBytesAsync(temp, output.Bytes, ct);
            File.Move(temp, path, overwrite: true);
            artifacts.Add(new Artifact(i, $"artifacts/{generationId}/{name}", Convert.ToHexStringLower(SHA256.HashData(output.Bytes)),
                output.Bytes.LongLength, output.ContentType, output.Extension));
        }
        return artifacts;
    }

    public FileInfo? Find(Artifact artifact)
    {
        var file = new FileInfo(Path.Combine(dataDir, artifact.RelativePath));
        return file.Exists ? file : null;
    }

    /// <summary>Removes a generation's files; returns how many there were.</summary>
    public int Delete(string generationId)
    {
        var folder = Path.Combine(Root, generationId);
        if (!Directory.Exists(folder)) return 0;
        var count = Directory.GetFiles(folder).Count(f => !f.EndsWith(".part", StringComparison.Ordinal));
        Directory.Delete(folder, recursive: true);
        return count;
    }
}
