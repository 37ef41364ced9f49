using System.Security.Cryptography;
using System.Text;

namespace BabySea.Appliance.Accounts;

/// <summary>
/// Makes and hashes <c>bye_</c> keys. A key carries 256 random bits, so a plain SHA-256 is enough to store
/// it: there is nothing to brute-force, and a fast hash keeps per-request authentication cheap.
/// </summary>
public static class ApiKeyMaterial
{
    public const string KeyPrefix = "bye_";
    public const int PrefixLength = 9;

    /// <summary>The length of a generated key: the prefix and 32 random bytes in unpadded base64.</summary>
    public const int GeneratedLength = 47;

    public static string NewKey()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        return KeyPrefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool LooksValid(string key)
        => key.Length is > PrefixLength and <= 200 && key.StartsWith(KeyPrefix, StringComparison.Ordinal)
           && key.AsSpan(KeyPrefix.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    /// <summary>A key an operator fixes (the bootstrap key) must carry as much randomness room as a generated one.</summary>
    public static bool IsStrongEnough(string key) => key.Length >= GeneratedLength && LooksValid(key);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Prefix(string key) => key[..PrefixLength];
}
