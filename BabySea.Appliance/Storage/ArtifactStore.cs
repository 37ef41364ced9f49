using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Routing;

namespace BabySea.Appliance.Storage;

/// <summary>
/// Output files on disk under <c>{root}/{yyyy-MM-dd}/{generation}/</c> (the day its UUIDv7 id was made, so no folder grows
/// without bound; sets written before that layout stay readable in <c>{root}/{generation}/</c>), each with its hash, size and
/// type. The root is <c>Storage:ArtifactsPath</c> (default <c>{data}/artifacts</c>), a folder several nodes may share. A complete set
/// ends with a manifest naming the attempt that produced it, so outputs on disk whose success was never committed
/// (a crash in between) are found again at restart instead of being fetched anew or lost.
/// <para>
/// With <c>Storage:Durability</c> (<paramref name="durable"/>) each output is forced to disk before the manifest is written,
/// so a manifest, whenever it exists, names outputs that are on disk. The manifest itself is not: it only saves a fetch
/// after a crash, and one lost with the power means the outputs are fetched again.
/// </para>
/// </summary>
public sealed class ArtifactStore(string root, bool durable = true)
{
    private const string ManifestName = "outputs.json";

    /// <summary>
    /// Records name a file as <c>artifacts/{day}/{generation}/{n}.{ext}</c>, as they did when the folder always sat in the
    /// data folder: a record resolves against the root, wherever the root is now.
    /// </summary>
    private const string RecordPrefix = "artifacts/";

    private string Root => root;

    private string Folder(string generationId) => Shard(generationId) is { } day ? Path.Combine(Root, day, generationId) : Path.Combine(Root, generationId);

    private IEnumerable<string> Folders(string generationId) => new[] { Folder(generationId), Path.Combine(Root, generationId) }.Distinct();

    /// <summary>The UTC day in a UUIDv7 id (its first 48 bits are Unix milliseconds); null for any other id.</summary>
    private static string? Shard(string generationId)
        => Guid.TryParse(generationId, out var g) && g.Version == 7
            && long.TryParse(generationId.Replace("-", "")[..12], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>Writes the outputs of <paramref name="used"/> durably, then the manifest that says the set is complete.</summary>
    public async Task<IReadOnlyList<Artifact>> SaveAsync(string generationId, Attempt used, IReadOnlyList<FetchedOutput> outputs, double? predictSeconds,
        CancellationToken ct)
    {
        var folder = Folder(generationId);
        Directory.CreateDirectory(folder);
        // An earlier attempt's manifest would name the files about to be overwritten: gone first, it never vouches for a half-written one.
        File.Delete(Path.Combine(folder, ManifestName));
        var artifacts = new List<Artifact>();
        for (var i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            var name = $"{i}.{output.Extension}";
            await WriteAsync(Path.Combine(folder, name), output.Bytes, durable, ct);
            artifacts.Add(new Artifact(i, RecordPrefix + Path.GetRelativePath(root, Path.Combine(folder, name)).Replace('\\', '/'), Convert.ToHexStringLower(SHA256.HashData(output.Bytes)),
                output.Bytes.LongLength, output.ContentType, output.Extension));
        }
        var manifest = new JsonObject
        {
            ["attempt"] = used.Number,
            ["predict_seconds"] = predictSeconds,
            ["outputs"] = new JsonArray([.. artifacts.Select(a => (JsonNode)new JsonObject
            {
                ["index"] = a.Index, ["path"] = a.RelativePath, ["sha256"] = a.Sha256, ["size"] = a.Size,
                ["content_type"] = a.ContentType, ["extension"] = a.Extension,
            })]),
        };
        await WriteAsync(Path.Combine(folder, ManifestName), System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()), forceToDisk: false, ct);
        return artifacts;
    }

    /// <summary>The complete output set of a generation whose success was not committed, or null.</summary>
    public CompletedOutputs? FindCompleted(string generationId)
    {
        if (Folders(generationId).Select(f => Path.Combine(f, ManifestName)).FirstOrDefault(File.Exists) is not { } path) return null;
        try
        {
            var manifest = JsonNode.Parse(File.ReadAllBytes(path))!.AsObject();
            var artifacts = manifest["outputs"]!.AsArray().Select(o => new Artifact(o!["index"]!.GetValue<int>(), o["path"]!.GetValue<string>(),
                o["sha256"]!.GetValue<string>(), o["size"]!.GetValue<long>(), o["content_type"]!.GetValue<string>(), o["extension"]!.GetValue<string>())).ToArray();
            return artifacts.All(a => Find(a) is { } f && f.Length == a.Size)
                ? new CompletedOutputs(manifest["attempt"]!.GetValue<int>(), manifest["predict_seconds"]?.GetValue<double>(), artifacts)
                : null;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or IOException)
        {
            return null; // an unreadable manifest is no proof: the job is resumed or retried instead
        }
    }

    /// <summary>
    /// A file written, read back and removed: the folder is there and takes files. Each probe has its own file, so
    /// concurrent probes (of this process or of another node sharing the folder) never meet.
    /// </summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        var file = Path.Combine(root, $".probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            await File.WriteAllTextAsync(file, "ok", ct);
            if (await File.ReadAllTextAsync(file, ct) != "ok") throw new IOException("The artifact folder returned different bytes.");
        }
        finally
        {
            File.Delete(file); // a full disk may leave the file half-written
        }
    }

    public FileInfo? Find(Artifact artifact)
    {
        var relative = artifact.RelativePath.StartsWith(RecordPrefix, StringComparison.Ordinal) ? artifact.RelativePath[RecordPrefix.Length..] : artifact.RelativePath;
        var file = new FileInfo(Path.Combine(root, relative));
        return file.Exists ? file : null;
    }

    /// <summary>
    /// Removes a generation's files; returns how many outputs there were. A runner may still be writing into the folder
    /// (its generation canceled meanwhile): what it adds later it removes itself once its commit is refused.
    /// </summary>
    public int Delete(string generationId) => Folders(generationId).Sum(DeleteFolder);

    private static int DeleteFolder(string folder)
    {
        var count = 0;
        for (var tries = 0; tries < 3 && Directory.Exists(folder); tries++)
        {
            try
            {
                count = Math.Max(count, Directory.GetFiles(folder).Count(f => !f.EndsWith(".part", StringComparison.Ordinal) && !f.EndsWith(ManifestName, StringComparison.Ordinal)));
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file appeared or vanished while deleting: look again.
            }
        }
        return count;
    }

    // Under its real name: a file cut short by a crash has no manifest naming it (SaveAsync removes an older one first),
    // so it is never taken for an output; the next attempt overwrites it and Delete removes it with its folder.
    private static async Task WriteAsync(string path, byte[] bytes, bool forceToDisk, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await stream.WriteAsync(bytes, ct);
        if (forceToDisk) stream.Flush(flushToDisk: true);
    }
}

/// <summary>Outputs on disk from attempt <paramref name="Attempt"/>, complete but not yet committed.</summary>
public sealed record CompletedOutputs(int Attempt, double? PredictSeconds, IReadOnlyList<Artifact> Artifacts);
