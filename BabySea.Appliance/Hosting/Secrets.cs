using System.Security.Cryptography;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// Secrets kept in the data folder, readable by the owner only (mode 600). A secret file appears whole or not at
/// all: it is written to a temporary file created with mode 600, forced to disk, then renamed into place, so a
/// crash never leaves an empty or half-written secret and no other user can read it at any moment.
/// </summary>
public static class Secrets
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Reads the secret, or creates it with <paramref name="create"/>; <c>Created</c> says which. A secret that is
    /// empty, shorter than <paramref name="minLength"/> or not there after its creation stops start-up: an empty
    /// admin token or signing key would let anyone in.
    /// </summary>
    public static (string Value, bool Created) ReadOrCreate(string path, string name, int minLength, Func<string> create)
    {
        var created = !File.Exists(path) && TryCreate(path, create());
        var value = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        if (value is null || value.Length < minLength)
            throw new InvalidOperationException(
                $"The {name} in {path} is {(value is null ? "missing" : value.Length == 0 ? "empty" : "too short")} (it needs at least {minLength} characters). " +
                "Delete the file to have a new one generated at the next start, or write a longer secret into it.");
        return (value, created);
    }

    /// <summary>Writes the secret atomically; false when another process created the file first (its secret stands).</summary>
    public static bool TryCreate(string path, string value)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly; // set at open(2): never readable by others
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(value));
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temp, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static string NewToken(string prefix)
        => prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
