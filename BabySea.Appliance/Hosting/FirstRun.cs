using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// Makes a fresh data folder usable at once: the admin token, and on an empty database a default account with
/// the welcome credit and a full-access key. Generated secrets are printed once, to the console only, never
/// to the log file. <c>BABYSEA_ADMIN_TOKEN</c> and <c>BABYSEA_BOOTSTRAP_API_KEY</c> fix them for automation.
/// </summary>
public static class FirstRun
{
    public const int MinAdminTokenLength = 16;

    // A generated signing key carries 256 random bits (43 characters); a hand-written one must not be much weaker.
    private const int MinSigningKeyLength = 32;

    public static string AdminToken(IConfiguration config, ISharedSecrets secrets, TextWriter console)
    {
        if (config["BABYSEA_ADMIN_TOKEN"] is { Length: > 0 } fixedToken)
        {
            if (fixedToken.Trim().Length < MinAdminTokenLength)
                throw new InvalidOperationException($"BABYSEA_ADMIN_TOKEN must be at least {MinAdminTokenLength} characters.");
            return fixedToken.Trim();
        }
        var (token, created) = secrets.ReadOrCreate("admin-token", "admin token", MinAdminTokenLength, () => Secrets.NewToken("bsa_"));
        if (created) console.WriteLine($"Admin token (kept in {secrets.Where("admin-token")}, shown once): {token}");
        return token;
    }

    /// <summary>The key that signs output links (<c>url-signing.key</c>), read or created at start so a bad one stops start-up.</summary>
    public static byte[] UrlSigningKey(ISharedSecrets secrets)
        => System.Text.Encoding.UTF8.GetBytes(secrets.ReadOrCreate("url-signing.key", "URL signing key", MinSigningKeyLength, () => Secrets.NewToken("")).Value);

    /// <summary>
    /// The key that signs emulated job ids (<c>emulator-token.key</c>): kept, so emulated jobs are resumed across a restart
    /// by the ids the emulator handed out.
    /// </summary>
    public static byte[] EmulatorTokenKey(ISharedSecrets secrets)
        => System.Text.Encoding.UTF8.GetBytes(secrets.ReadOrCreate("emulator-token.key", "emulator token key", MinSigningKeyLength, () => Secrets.NewToken("")).Value);

    /// <summary>
    /// The name this appliance's worker holds generation leases under (<c>worker-id</c>): kept, so after a crash the
    /// restarted worker takes back its own leases at once instead of waiting for them to expire.
    /// </summary>
    public static string WorkerId(string dataDir)
        => Secrets.ReadOrCreate(Path.Combine(dataDir, "worker-id"), "worker id", 16, () => "worker-" + Guid.NewGuid().ToString("N")).Value;

    public static async Task EnsureDefaultAccountAsync(IConfiguration config, AccountAdmin admin, IAccountStore accounts, PlanCatalog plans,
        TextWriter console, CancellationToken ct)
    {
        if (await accounts.AnyAccountAsync(ct)) return;
        var fixedKey = config["BABYSEA_BOOTSTRAP_API_KEY"] is { Length: > 0 } k ? k : null;
        if (fixedKey is not null && !ApiKeyMaterial.IsStrongEnough(fixedKey))
            throw new InvalidOperationException(
                $"BABYSEA_BOOTSTRAP_API_KEY must be bye_ followed by at least {ApiKeyMaterial.GeneratedLength - ApiKeyMaterial.KeyPrefix.Length} URL-safe base64 characters, as long as a generated key.");
        var (account, _) = await admin.CreateAccountAsync("Default", plans.DefaultPlan.Id, ct);
        var (key, error) = await admin.CreateKeyAsync(account!.AccountId, new AdminCreateKeyBody("Default full access", "full_access", null, null, null), ct, fixedKey);
        if (error is not null) throw new InvalidOperationException(error.Message);
        console.WriteLine($"Created account {account.AccountId} ({plans.DefaultPlan.Name}, {account.CreditBalance:0.000} credits).");
        if (fixedKey is null) console.WriteLine($"Full-access API key (shown once): {key!.ApiKey}");
    }
}
