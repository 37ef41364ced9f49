using System.Security.Cryptography;

namespace BabySea.Appliance.Hosting;

/// <summary>Secrets kept in the data folder, readable by the owner only (mode 600).</summary>
public static class Secrets
{
    /// <summary>Reads the file, or creates it with <paramref name="create"/>; <c>Created</c> says which.</summary>
    public static (string Value, bool Created) ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path)) return (File.ReadAllText(path).Trim(), false);
        var value = create();
        Write(path, value);
        return (value, true);
    }

    public static void Write(string path, string value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
            writer.Write(value);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public static string NewToken(string prefix)
        => prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
