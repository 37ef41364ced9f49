using System.Security.Cryptography;
using System.Text;

namespace BabySea.Appliance.Api.Admin;

/// <summary>The admin token, compared in constant time.</summary>
public sealed class AdminToken(string token)
{
    public bool Matches(string candidate)
        => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
