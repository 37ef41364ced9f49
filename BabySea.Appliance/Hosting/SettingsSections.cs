using BabySea.Appliance.Providers;
using BabySea.Appliance.Storage;
using Serilog.Events;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// The small sections of the appliance's own settings whose values are read where they are used (a cron job, a
/// limiter, the logger): checked here once, at start, so a typo or an out-of-range value stops start-up instead of
/// being ignored or failing later. Routing, Generations, Emulator and Webhooks check themselves
/// (<c>RoutingOptions.From</c> and the like); Appliance and Storage are read by <see cref="ApplianceSettings.From"/>.
/// </summary>
public static class SettingsSections
{
    public static void Check(IConfiguration config)
    {
        ApplianceSettings.Section<BillingSection>(config, "Billing", (s, o) => s.Bind(o, ApplianceSettings.Strictly));
        ApplianceSettings.Section<RateLimitsSection>(config, "RateLimits", (s, o) => s.Bind(o, ApplianceSettings.Strictly));
        ApplianceSettings.Section<IdempotencySection>(config, "Idempotency", (s, o) => s.Bind(o, ApplianceSettings.Strictly));
        ApplianceSettings.Section<RetentionSection>(config, "Retention", (s, o) => s.Bind(o, ApplianceSettings.Strictly));
        ApplianceSettings.Section<LoggingSection>(config, "Logging", (s, o) => s.Bind(o, ApplianceSettings.Strictly));
        LogOutput.IsJson(config);
        ApplianceSettings.Section<OutboundSection>(config, "Outbound", (s, o) => s.Bind(o, ApplianceSettings.Strictly));
        CheckProviders(config);
    }

    /// <summary><c>Providers</c> holds <c>EmulateMissingKeys</c> and one section per provider id, each checked alike.</summary>
    private static void CheckProviders(IConfiguration config)
    {
        foreach (var child in config.GetSection("Providers").GetChildren())
        {
            if (string.Equals(child.Key, "EmulateMissingKeys", StringComparison.OrdinalIgnoreCase))
            {
                if (!bool.TryParse(child.Value, out _)) throw new InvalidOperationException($"{child.Path} '{child.Value}' must be true or false.");
                continue;
            }
            var module = ProviderModules.All.FirstOrDefault(m => string.Equals(m.Id, child.Key, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException($"{child.Path} is not a setting; Providers takes EmulateMissingKeys and a provider id "
                    + $"({string.Join(", ", ProviderModules.All.Select(m => m.Id))}).");
            var provider = ApplianceSettings.Section<ProviderSection>(config, child.Path, (s, o) => s.Bind(o, ApplianceSettings.Strictly));
            if (!string.IsNullOrEmpty(provider.AccountId) && module.AccountEnvVar is null)
                throw new InvalidOperationException($"{child.Path}:AccountId is not a setting of {module.Id}; only a provider that needs an account id takes one.");
        }
    }

    /// <summary>A cron schedule that does not parse, named as the scheduler names it, with the form it takes.</summary>
    internal static string? CronProblem(string path, string key, string? expression)
    {
        if (expression is null) return null;
        try
        {
            CronScheduler.Parse($"{path}:{key}", expression);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message + " It takes five fields: minute hour day-of-month month day-of-week (UTC).";
        }
    }
}

/// <summary><c>Appliance</c>: the data folder, the public origin of output links, their lifetime and the trusted proxies.</summary>
public sealed class ApplianceSection : ISettingsSection
{
    /// <value>The data folder, relative to the current folder. Default <c>./data</c>; <c>BABYSEA_DATA_DIR</c> wins.</value>
    public string? DataDir { get; set; }

    /// <value>Origin of output links (<c>https://media.example.com</c>). Default: the request's own origin.</value>
    public string? PublicBaseUrl { get; set; }

    /// <value>How long a signed output link stays valid. Default 1 h; above 0 and at most 365 days.</value>
    public TimeSpan OutputUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <value>
    /// Addresses and CIDR networks of the reverse proxies in front, one comma-separated value or a list
    /// (<c>TrustedProxies:0</c>); each entry is checked where it is used (<c>Api/TrustedProxies</c>).
    /// </value>
    public string? TrustedProxies { get; set; }

    public string? Problem(string path)
    {
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl) && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            return $"{path}:PublicBaseUrl '{PublicBaseUrl}' is not an absolute http or https URL.";
        if (OutputUrlLifetime <= TimeSpan.Zero || OutputUrlLifetime > TimeSpan.FromDays(365))
            return $"{path}:OutputUrlLifetime ({OutputUrlLifetime}) must be above 0 and at most 365 days.";
        return null;
    }
}

/// <summary><c>Storage</c>: the engine, where output files go, and (LiteDB) whether every group commit is forced to disk.</summary>
public sealed class StorageSection : ISettingsSection
{
    /// <value><c>litedb</c> (default: one file in the data folder) or <c>postgres</c> (a PostgreSQL database several nodes may share).</value>
    public string Engine { get; set; } = StorageEngines.LiteDb;

    /// <value>The PostgreSQL connection string; required with <c>postgres</c>, refused with <c>litedb</c>. It may hold a password: never logged.</value>
    public string? ConnectionString { get; set; }

    /// <value>The folder of output files, relative to the current folder. Default <c>{data}/artifacts</c>.</value>
    public string? ArtifactsPath { get; set; }

    /// <value><c>true</c> (default): an acknowledged write survives a power loss; <c>false</c> skips the fsync (LiteDB).</value>
    public bool Durability { get; set; } = true;

    public string? Problem(string path)
    {
        if (!StorageEngines.All.Contains(Engine, StringComparer.OrdinalIgnoreCase))
            return $"{path}:Engine '{Engine}' must be {string.Join(" or ", StorageEngines.All)}.";
        var postgres = string.Equals(Engine, StorageEngines.Postgres, StringComparison.OrdinalIgnoreCase);
        if (postgres && string.IsNullOrWhiteSpace(ConnectionString))
            return $"{path}:ConnectionString is required when {path}:Engine is postgres (e.g. Host=db.internal;Database=babysea;Username=babysea;Password=...).";
        if (!postgres && !string.IsNullOrWhiteSpace(ConnectionString))
            return $"{path}:ConnectionString is only read when {path}:Engine is postgres; remove it or set the engine.";
        // The value itself is never repeated: it may hold a password.
        if (postgres && BabySea.Appliance.Storage.Postgres.PostgresStorage.ConnectionStringProblem(ConnectionString!) is { } problem)
            return $"{path}:ConnectionString is not a PostgreSQL connection string: {problem}";
        return null;
    }
}

/// <summary><c>Billing</c>: the plans file, the schedule of plan renewals and that of the ledger check.</summary>
public sealed class BillingSection : ISettingsSection
{
    /// <value>Another plans file than the shipped <c>config/plans.json</c> (checked when it is loaded).</value>
    public string? PlansFile { get; set; }

    /// <value>Cron (UTC) of the job that grants paid plans their monthly credits. Default <c>*/15 * * * *</c>.</value>
    public string? RenewalSchedule { get; set; }

    /// <value>Cron (UTC) of the check of new ledger entries that moves the checkpoints on. Default <c>17 * * * *</c>.</value>
    public string? LedgerCheckSchedule { get; set; }

    public string? Problem(string path)
        => SettingsSections.CronProblem(path, "RenewalSchedule", RenewalSchedule) ?? SettingsSections.CronProblem(path, "LedgerCheckSchedule", LedgerCheckSchedule);
}

/// <summary><c>RateLimits</c>: the failed-authentication limit per client.</summary>
public sealed class RateLimitsSection : ISettingsSection
{
    /// <value>Failed authentications per client per minute before BSE1006. Default 20; 1–100,000.</value>
    public int AuthFailuresPerMinute { get; set; } = 20;

    /// <value>Clients the failure table holds per minute. Default 100,000; 1–10,000,000.</value>
    public int AuthFailureClients { get; set; } = 100_000;

    public string? Problem(string path)
    {
        if (AuthFailuresPerMinute is < 1 or > 100_000) return $"{path}:AuthFailuresPerMinute ({AuthFailuresPerMinute}) must be between 1 and 100000.";
        if (AuthFailureClients is < 1 or > 10_000_000) return $"{path}:AuthFailureClients ({AuthFailureClients}) must be between 1 and 10000000.";
        return null;
    }
}

/// <summary><c>Idempotency</c>: the sweep of expired idempotency records.</summary>
public sealed class IdempotencySection : ISettingsSection
{
    /// <value>Cron (UTC) of the sweep. Default <c>*/10 * * * *</c>.</value>
    public string? SweepSchedule { get; set; }

    public string? Problem(string path) => SettingsSections.CronProblem(path, "SweepSchedule", SweepSchedule);
}

/// <summary><c>Retention</c>: the sweep that deletes what the plans no longer keep.</summary>
public sealed class RetentionSection : ISettingsSection
{
    /// <value>Cron (UTC) of the sweep. Default <c>17 * * * *</c>.</value>
    public string? SweepSchedule { get; set; }

    /// <value>Rows deleted per category per write. Default 500; 1–100,000.</value>
    public int BatchSize { get; set; } = 500;

    public string? Problem(string path)
        => BatchSize is < 1 or > 100_000 ? $"{path}:BatchSize ({BatchSize}) must be between 1 and 100000."
            : SettingsSections.CronProblem(path, "SweepSchedule", SweepSchedule);
}

/// <summary><c>Logging</c>: level and format of the console and the log file.</summary>
public sealed class LoggingSection : ISettingsSection
{
    /// <value>Minimum level: Verbose, Debug, Information (default), Warning, Error or Fatal.</value>
    public string? Level { get; set; }

    /// <value><c>text</c> (default) or <c>json</c>; checked by <see cref="LogOutput.IsJson"/>.</value>
    public string? Format { get; set; }

    public string? Problem(string path)
        => string.IsNullOrEmpty(Level) || Enum.GetNames<LogEventLevel>().Contains(Level, StringComparer.OrdinalIgnoreCase) ? null
            : $"{path}:Level '{Level}' must be one of {string.Join(", ", Enum.GetNames<LogEventLevel>())}.";
}

/// <summary><c>Outbound</c>: the internal hosts every outbound connection may reach.</summary>
public sealed class OutboundSection : ISettingsSection
{
    /// <value>Host names or addresses allowed although private, loopback or link-local. Default none.</value>
    public string[] AllowedPrivateHosts { get; set; } = [];

    /// <summary>An entry with a scheme, path or port would never match a host, and the operator would not learn why.</summary>
    public string? Problem(string path)
    {
        for (var i = 0; i < AllowedPrivateHosts.Length; i++)
            if (Uri.CheckHostName(AllowedPrivateHosts[i]) == UriHostNameType.Unknown)
                return $"{path}:AllowedPrivateHosts:{i} '{AllowedPrivateHosts[i]}' is not a host name or address (no scheme, port or path).";
        return null;
    }
}

/// <summary><c>Providers:{id}</c>: the operator's key and origin for one provider, and whether it serves at all.</summary>
public sealed class ProviderSection : ISettingsSection
{
    /// <value>The operator's key; empty: the provider's usual environment variable, else emulated.</value>
    public string? ApiKey { get; set; }

    /// <value>Another origin than the provider's API (a proxy, a standalone emulator): an absolute http or https URL.</value>
    public string? BaseUrl { get; set; }

    /// <value><c>false</c> takes the provider out of routing. Default <c>true</c>.</value>
    public bool Enabled { get; set; } = true;

    /// <value>The account id, for a provider whose API needs one (Cloudflare).</value>
    public string? AccountId { get; set; }

    public string? Problem(string path)
        => string.IsNullOrWhiteSpace(BaseUrl) || (Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") ? null
            : $"{path}:BaseUrl '{BaseUrl}' is not an absolute http or https URL.";
}
