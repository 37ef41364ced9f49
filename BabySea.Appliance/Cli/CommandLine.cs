using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BabySea.Appliance.Accounts;
using BabySea.Appliance.Api;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Routing.Catalog;
using BabySea.Appliance.Analytics;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Storage;
using BabySea.Appliance.Storage.Migration;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Cli;

/// <summary>
/// Admin verbs of the binary, printing JSON: the same operations as <c>/admin/v1</c>, run directly on the data
/// folder. They need the folder to themselves, so they refuse while the appliance is serving it. With no verb the
/// binary serves. <see cref="CommandTree"/> names the verbs and checks their flags; the bodies are here.
/// </summary>
public static class CommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs what they name; answers an <see cref="ExitCodes"/> value.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // "help VERB" reads as "VERB --help", as the bare "help" verb did before every verb had --help.
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        var root = CommandTree.Build(
            (verb, flags) => RunVerbAsync(verb, flags, args, stdout, stderr),
            serve: async () =>
            {
                var app = AppHost.Build(args);
                await AppHost.RunAsync(app, stdout);
                return ExitCodes.Ok;
            },
            emulate: async () =>
            {
                await EmulatorHost.Build(args).RunAsync();
                return ExitCodes.Ok;
            });
        // A response file (@file) is no feature of this binary, and an argument starting with @ stays what it is.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"babysea-appliance: {error.Message}");
            var words = CommandTree.Walk(root).Single(c => c.Command == parse.CommandResult.Command).Words;
            stderr.WriteLine($"Run 'babysea-appliance {string.Join(' ', [.. words, "--help"])}' for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Exceptions keep their meaning for the caller (a locked data folder, a configuration mistake), and
            // SIGTERM belongs to the server's graceful stop, not to the parser.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        });
    }

    private static async Task<int> RunVerbAsync(string[] verb, Dictionary<string, string> options, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var config = new ConfigurationBuilder()
            .AddJsonFile(AppHost.ConfigFile("appsettings.json"), optional: true).AddEnvironmentVariables()
            // Settings as --Key=value (e.g. --BABYSEA_DATA_DIR=/srv/babysea), as for the server.
            .AddCommandLine(args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=')).ToArray()).Build();
        // The catalog is configuration, not data: listing it needs no data folder, so it works beside a running server.
        if (verb[0] == "models")
        {
            stdout.Write(CatalogTable.Markdown(ModelCatalog.Load(AppHost.DataFile(config, "Routing:ModelsFile", "models.json"))));
            return ExitCodes.Ok;
        }
        var settings = ApplianceSettings.From(config);
        if (verb[0] is "backup" or "compact")
        {
            // A PostgreSQL database is copied by PostgreSQL's own tools: say which, instead of failing on a data folder it does not use.
            if (settings.Storage.IsPostgres)
            {
                stderr.WriteLine($"{verb[0]}: {BabySea.Appliance.Storage.Postgres.PgStorageBackup.Advice}");
                return ExitCodes.Failed;
            }
            return await CopyAsync(verb[0], Opt(options, "to"), settings, stdout, stderr);
        }
        if (verb[0] == "migrate") return await MigrateAsync(Opt(options, "from-litedb")!, settings, stdout, stderr);
        await using var services = Storage(settings.DataDir, settings.Storage);
        var time = TimeProvider.System;
        var accounts = services.GetRequiredService<IAccountStore>();
        var ledger = services.GetRequiredService<ILedgerStore>();
        var admin = new AccountAdmin(accounts, ledger, PlanCatalog.Load(AppHost.DataFile(config, "Billing:PlansFile", "plans.json")), new CredentialCache(time), time);
        var ct = CancellationToken.None;
        var ctx = AppJsonContext.Default;

        if (verb[0] == "seed")
        {
            var code = await SeedAsync(options, services.GetRequiredService<IHistorySeeder>(), time, stdout, stderr, ct);
            // Checked once here, so the next start has checkpoints and walks nothing of the seeded history.
            var check = await Verifier(services).RunSinceCheckpointsAsync(ct);
            foreach (var violation in check.Violations) stderr.WriteLine(violation);
            return code != ExitCodes.Ok ? code : check.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        }
        if (verb[0] == "webhooks") return await WebhookVerbs.RunAsync(verb[1], options, config, services, stdout);
        switch (verb[0], verb.Length > 1 ? verb[1] : "")
        {
            case ("verify", _):
                var verified = await VerifyAsync(services, Opt(options, "recount") == "true", ct);
                stdout.WriteLine(JsonSerializer.Serialize(verified, ctx.VerifyData));
                return verified.Ok ? ExitCodes.Ok : ExitCodes.Failed;
            case ("accounts", "create"):
                return Print(stdout, await admin.CreateAccountAsync(Opt(options, "name"), Opt(options, "plan"), ct), ctx.AdminAccountData);
            case ("accounts", "list"):
                return Print(stdout, (await admin.ListAccountsAsync(ct), null), ctx.AdminAccountsData);
            case ("accounts", "plan"):
                return Print(stdout, await admin.SetPlanAsync(Opt(options, "account") ?? "", Opt(options, "plan"), ct), ctx.AdminAccountData);
            case ("keys", "create"):
                DateTimeOffset? expires = Opt(options, "expires") is { } e ? DateTimeOffset.Parse(e, CultureInfo.InvariantCulture) : null;
                var body = new AdminCreateKeyBody(Opt(options, "name"), Opt(options, "preset"), List(options, "scopes"), expires, List(options, "allow-ip"));
                return Print(stdout, await admin.CreateKeyAsync(Opt(options, "account") ?? "", body, ct), ctx.AdminKeyCreatedData);
            case ("keys", "list"):
                return Print(stdout, await admin.ListKeysAsync(Opt(options, "account") ?? "", ct), ctx.AdminKeysData);
            case ("keys", "revoke"):
                return Print(stdout, await admin.RevokeKeyAsync(Opt(options, "key") ?? "", ct), ctx.AdminKeyData);
            case ("credits", "add"):
                decimal? amount = decimal.TryParse(Opt(options, "amount"), NumberStyles.Number, CultureInfo.InvariantCulture, out var a) ? a : null;
                return Print(stdout, await admin.AddCreditsAsync(Opt(options, "account") ?? "", amount, Opt(options, "description"), ct), ctx.AdminLedgerEntryData);
            case ("credits", "pack"):
                decimal? pack = decimal.TryParse(Opt(options, "amount"), NumberStyles.Number, CultureInfo.InvariantCulture, out var p) ? p : null;
                return Print(stdout, await admin.AddCreditPackAsync(Opt(options, "account") ?? "", pack, ct), ctx.AdminLedgerEntryData);
            case ("alerts", "get"):
                return Print(stdout, await admin.AlertsAsync(Opt(options, "account") ?? "", ct), ctx.AdminAlertsData);
            case ("alerts", "set"):
                var thresholds = Opt(options, "thresholds") is { } t
                    ? t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => decimal.Parse(x, CultureInfo.InvariantCulture)).ToArray()
                    : null;
                bool? enabled = Opt(options, "enabled") is { } en ? en == "true" : null;
                return Print(stdout, await admin.SetAlertsAsync(Opt(options, "account") ?? "", new AdminAlertsBody(enabled, thresholds), ct), ctx.AdminAlertsData);
            case ("credits", "ledger"):
                return await accounts.FindAccountAsync(Opt(options, "account") ?? "", ct) is { } owner
                    ? Print(stdout, await HistoryViews.LedgerPageAsync(ledger, owner, Opt(options, "limit"), Opt(options, "cursor"), ct), ctx.LedgerPageData)
                    : Print<LedgerPageData>(stdout, (null, new ApiError(BseCode.AccountNotFound, "No such account.")), ctx.LedgerPageData);
            default:
                throw new UnreachableException($"The verb '{string.Join(' ', verb)}' has no body.");
        }
    }

    /// <summary>
    /// <c>backup --to PATH</c>: a consistent copy of the stopped folder (while serving, POST /admin/v1/backup does the same).
    /// <c>compact</c>: the same copy into the folder's own file, so deleted rows stop taking space.
    /// </summary>
    private static async Task<int> CopyAsync(string verb, string? to, ApplianceSettings settings, TextWriter stdout, TextWriter stderr)
    {
        var folder = verb == "compact" ? Path.Combine(settings.DataDir, "compact-" + Guid.NewGuid().ToString("N")) : to;
        if (folder is null || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
        {
            stderr.WriteLine("backup: --to names a new or empty folder.");
            return ExitCodes.Usage;
        }
        var before = new FileInfo(Path.Combine(settings.DataDir, "babysea.db")).Length;
        long documents;
        await using (var storage = Storage(settings.DataDir, settings.Storage))
            documents = await storage.GetRequiredService<IStorageBackup>().BackupAsync(verb == "compact" ? Path.Combine(folder, "db") : folder, CancellationToken.None);
        if (verb == "compact")
        {
            // Swapped only once the copy is complete and closed; the old file stays beside it until the swap succeeded.
            var live = Path.Combine(settings.DataDir, "babysea.db");
            File.Replace(Path.Combine(folder, "db", "babysea.db"), live, live + ".before-compact");
            File.Delete(live + ".before-compact");
            Directory.Delete(folder, recursive: true);
        }
        var after = new FileInfo(verb == "compact" ? Path.Combine(settings.DataDir, "babysea.db") : Path.Combine(folder, "babysea.db")).Length;
        stdout.WriteLine($"{{\"documents\":{documents},\"bytes_before\":{before},\"bytes_after\":{after}}}");
        return 0;
    }

    private static async Task<int> SeedAsync(Dictionary<string, string> options, IHistorySeeder seeder, TimeProvider time, TextWriter stdout, TextWriter stderr,
        CancellationToken ct)
    {
        int Count(string name, int fallback) => Opt(options, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var (accounts, generations, logs, days) = (Count("accounts", 10), Count("generations", 10_000), Count("request-logs", 100_000), Count("days", 30));
        if (accounts < 1 || generations < 0 || logs < 0 || days < 1)
        {
            stderr.WriteLine("seed: --accounts and --days are at least 1; --generations and --request-logs at least 0.");
            return ExitCodes.Usage;
        }
        var last = DateTimeOffset.MinValue;
        var totals = await seeder.SeedAsync(accounts, generations, logs, days, Opt(options, "plan") ?? "enterprise", line =>
        {
            if (time.GetUtcNow() - last < TimeSpan.FromSeconds(5)) return;
            last = time.GetUtcNow();
            stderr.WriteLine(line);
        }, ct);
        stdout.WriteLine($"{{\"accounts\":{totals.Accounts},\"generations\":{totals.Generations},\"request_logs\":{totals.RequestLogs},\"seconds\":{totals.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}}}");
        return ExitCodes.Ok;
    }

    /// <summary>Every balance against its ledger, and with <paramref name="recount"/> every account's rollups against a recount.</summary>
    private static async Task<VerifyData> VerifyAsync(IServiceProvider storage, bool recount, CancellationToken ct)
    {
        var report = await Verifier(storage).RunAsync(ct);
        var violations = report.Violations.ToList();
        if (recount)
        {
            var rollups = storage.GetRequiredService<IRollupStore>();
            foreach (var account in await storage.GetRequiredService<IAccountStore>().ListAccountsAsync(ct)) violations.AddRange(await rollups.RecountAsync(account.Id, ct));
        }
        return new VerifyData(violations.Count == 0, report.AccountsChecked, report.GenerationsChecked, report.EntriesChecked, violations, recount);
    }

    /// <summary>
    /// Verifies the LiteDB folder (a folder that does not verify is not copied), copies it into the configured PostgreSQL
    /// database, and verifies that with the rollups recounted: the copy is good when both sides agree.
    /// </summary>
    private static async Task<int> MigrateAsync(string from, ApplianceSettings settings, TextWriter stdout, TextWriter stderr)
    {
        if (!settings.Storage.IsPostgres)
        {
            stderr.WriteLine("migrate: the target is the PostgreSQL database of Storage:Engine=postgres and Storage:ConnectionString; set both.");
            return ExitCodes.Failed;
        }
        var ct = CancellationToken.None;
        from = Path.GetFullPath(from);
        VerifyData source;
        await using (var lite = Storage(from, new StorageSettings(StorageEngines.LiteDb, null, Path.Combine(from, "artifacts"), Durable: false)))
            source = await VerifyAsync(lite, recount: true, ct);
        if (!source.Ok)
        {
            foreach (var violation in source.Violations) stderr.WriteLine(violation);
            stderr.WriteLine($"migrate: {from} does not verify; nothing was copied.");
            return ExitCodes.Failed;
        }
        IReadOnlyDictionary<string, long> copied;
        try
        {
            copied = await StorageMigration.FromLiteDbAsync(from, settings.Storage, stderr.WriteLine, ct);
        }
        catch (InvalidOperationException ex)
        {
            stderr.WriteLine($"migrate: {ex.Message}");
            return ExitCodes.Failed;
        }
        VerifyData target;
        await using (var postgres = Storage(settings.DataDir, settings.Storage))
            target = await VerifyAsync(postgres, recount: true, ct);
        stdout.WriteLine(JsonSerializer.Serialize(new MigrateData(copied, source, target), AppJsonContext.Default.MigrateData));
        return target.Ok && target.AccountsChecked == source.AccountsChecked && target.GenerationsChecked == source.GenerationsChecked
            && target.EntriesChecked == source.EntriesChecked ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>The stores of a data folder (or database), registered as the server registers them.</summary>
    private static ServiceProvider Storage(string dataDir, StorageSettings storage) => new ServiceCollection()
        .AddLogging()
        .AddSingleton(TimeProvider.System)
        .AddSingleton<OutboxSignal>()
        .AddStorage(dataDir, storage, out _)
        .BuildServiceProvider();

    private static LedgerVerifier Verifier(IServiceProvider storage) => new(storage.GetRequiredService<IAccountStore>(),
        storage.GetRequiredService<ILedgerStore>(), storage.GetRequiredService<IGenerationStore>(), storage.GetRequiredService<IRetentionStore>());

    internal static int Print<T>(TextWriter stdout, (T? Data, ApiError? Error) result, JsonTypeInfo<T> info) where T : class
    {
        if (result.Error is { } error)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true })) error.WriteEnvelope(w, "cli", TimeProvider.System.GetUtcNow());
            stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return ExitCodes.Failed;
        }
        stdout.WriteLine(JsonSerializer.Serialize(result.Data!, info));
        return ExitCodes.Ok;
    }

    internal static string? Opt(Dictionary<string, string> options, string name) => options.GetValueOrDefault(name);

    internal static IReadOnlyList<string>? List(Dictionary<string, string> options, string name)
        => Opt(options, name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
