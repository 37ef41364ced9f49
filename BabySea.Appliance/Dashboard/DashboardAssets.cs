using System.Reflection;
using System.Security.Cryptography;

namespace BabySea.Appliance.Dashboard;

/// <summary>
/// The dashboard's files, embedded in the executable as manifest resources (named <c>dashboard/&lt;path&gt;</c> by the
/// project file), read once at start: the single native binary carries its UI and needs no folder beside it.
/// </summary>
public sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";
    private readonly Dictionary<string, Asset> _files = new(StringComparer.Ordinal);

    public sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    public DashboardAssets() : this(typeof(DashboardAssets).Assembly)
    {
    }

    public DashboardAssets(Assembly assembly)
    {
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var path = name.Replace('\\', '/');
            if (!path.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            _files[path[Prefix.Length..]] = new Asset(bytes, ContentType(path), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
        }
    }

    public int Count => _files.Count;

    public Asset? Find(string path) => _files.GetValueOrDefault(path);

    // Only the kinds the folder holds; anything else is served as opaque bytes, which nosniff keeps from being run.
    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json; charset=utf-8",
        "" when path.EndsWith("/VERSIONS", StringComparison.Ordinal) => "text/plain; charset=utf-8",
        _ when Path.GetFileName(path).StartsWith("LICENSE", StringComparison.Ordinal) => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}
