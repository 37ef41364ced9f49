using System.CommandLine;
using System.CommandLine.Parsing;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Reflection;

namespace BabySea.Appliance.Cli;

/// <summary>
/// The binary's command line: with no verb it serves; otherwise a verb, its flags and their help. The tree parses and
/// checks (names, types, required flags) and hands a verb its flags by name; the verbs' bodies are
/// <see cref="CommandLine"/> and <see cref="WebhookVerbs"/>. Settings may follow, as on the server's command line:
/// any verb takes <c>--Section:Key=value</c>; serving and <c>emulate</c> take every form .NET configuration reads
/// (<c>--urls URL</c> too).
/// </summary>
internal static class CommandTree
{
    /// <summary>Runs the verb named by its words (<c>["credits", "add"]</c>) with the flags given, keyed by name without dashes.</summary>
    public delegate Task<int> VerbAction(string[] verb, Dictionary<string, string> flags);

    public static RootCommand Build(VerbAction verb, Func<Task<int>> serve, Func<Task<int>> emulate)
    {
        var root = new RootCommand("""
            BabySea Appliance: the BabySea API, provider routing, billing and webhooks in one executable.
            With no verb it serves (http://127.0.0.1:8787 unless --urls says otherwise); settings follow as
            --Section:Key=value (README, "Configuration"). The verbs below work on a stopped data folder.
            """);
        root.Arguments.Add(Settings(anyForm: true));
        root.SetAction(_ => serve());
        // The version of this assembly, not of whatever process hosts the parser (a test runner, say).
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();

        var emulateCommand = new Command("emulate", "Serve every provider emulator alone (Emulator:* settings apply).")
        {
            Number("--port", "PORT", "Loopback port to listen on (default 8788)."),
        };
        emulateCommand.Arguments.Add(Settings(anyForm: true));
        emulateCommand.SetAction(_ => emulate());
        root.Subcommands.Add(emulateCommand);

        root.Subcommands.Add(Verb(verb, ["verify"], "Recompute every balance from the ledger; exit 1 on any violation.",
            Switch("--recount", "Also recompute the rollups from the rows still present.")));
        root.Subcommands.Add(Verb(verb, ["seed"], "Write realistic history (one account holds a fifth) for benchmarks and demos.",
            Number("--accounts", "N", "Accounts to create (default 10, at least 1)."),
            Number("--generations", "N", "Generations in all (default 10000)."),
            Number("--request-logs", "N", "Request-log rows in all (default 100000)."),
            Number("--days", "N", "Days of history, ending now (default 30, at least 1)."),
            Text("--plan", "P", "Plan of the seeded accounts (default enterprise).")));
        root.Subcommands.Add(Verb(verb, ["backup"], "Consistent copy of a stopped data folder (while serving: POST /admin/v1/backup).",
            Text("--to", "PATH", "A new or empty folder for the copy.", required: true)));
        root.Subcommands.Add(Verb(verb, ["compact"], "Copy the database into a fresh file and swap it in, so deleted rows stop taking space."));
        root.Subcommands.Add(Verb(verb, ["migrate"],
            "Copy a stopped LiteDB data folder into the (empty) PostgreSQL database of Storage:ConnectionString, then verify both.",
            Text("--from-litedb", "PATH", "The data folder to copy; its appliance must be stopped.", required: true)));
        root.Subcommands.Add(Verb(verb, ["models"], "The model catalog as a Markdown table (id, type, providers, price); needs no data folder."));

        root.Subcommands.Add(Group("accounts", "Accounts and their plans.",
            Verb(verb, ["accounts", "create"], "Create an account.",
                Text("--name", "N", "Its name (at most 100 characters).", required: true),
                Text("--plan", "P", "Its plan (default: the default plan of plans.json).")),
            Verb(verb, ["accounts", "list"], "List every account."),
            Verb(verb, ["accounts", "plan"], "Move an account to another plan.",
                Account(), Text("--plan", "P", "The plan.", required: true))));

        root.Subcommands.Add(Group("keys", "API keys.",
            Verb(verb, ["keys", "create"], "Create an API key; prints it once.",
                Account(),
                Text("--name", "N", "Its name (default \"API key\")."),
                Text("--preset", "full_access|generate_only|read_only|monitor_only", "A preset set of scopes."),
                Text("--scopes", "a,b", "Scopes, comma-separated, instead of a preset."),
                new Option<DateTimeOffset>("--expires") { HelpName = "2027-01-01T00:00:00Z", Description = "When it stops working (default never)." },
                Text("--allow-ip", "1.2.3.4,::1", "Client addresses it is accepted from (default any).")),
            Verb(verb, ["keys", "list"], "List an account's keys.", Account()),
            Verb(verb, ["keys", "revoke"], "Revoke a key.", Text("--key", "ID", "The key's id.", required: true))));

        root.Subcommands.Add(Group("credits", "Credits and the ledger.",
            Verb(verb, ["credits", "add"], "Add credits to an account.",
                Account(), Amount("Credits to add, 3 decimals at most (5.000)."), Text("--description", "D", "What the entry says.")),
            Verb(verb, ["credits", "pack"], "Add a credit pack (paid plans).",
                Account(), Amount("Pack size: 10, 25, 50, 100, 500 or 1000.")),
            Verb(verb, ["credits", "ledger"], "Ledger entries, newest first; next_cursor pages on.",
                Account(), Number("--limit", "N", "Entries per page (default 100)."), Text("--cursor", "C", "next_cursor of the previous page."))));

        root.Subcommands.Add(Group("alerts", "Low-balance alerts.",
            Verb(verb, ["alerts", "get"], "An account's alert settings.", Account()),
            Verb(verb, ["alerts", "set"], "Change an account's alert settings.",
                Account(), Thresholds(), Switch("--enabled", "true or false: alerts on or off."))));

        var webhook = () => Text("--webhook", "WID", "The endpoint's id.", required: true);
        root.Subcommands.Add(Group("webhooks", "Webhook endpoints; what these verbs stage is sent when the appliance next serves the folder.",
            Verb(verb, ["webhooks", "create"], "Create an endpoint; prints its secret once.",
                Account(), Text("--url", "U", "Where events are sent.", required: true),
                Text("--events", "a,b", "Events, comma-separated (default: the generation events)."),
                Switch("--disabled", "Create it disabled.")),
            Verb(verb, ["webhooks", "list"], "List an account's endpoints.", Account()),
            Verb(verb, ["webhooks", "enable"], "Enable an endpoint; its held events are sent.", Account(), webhook()),
            Verb(verb, ["webhooks", "disable"], "Disable an endpoint; its events are held.", Account(), webhook()),
            Verb(verb, ["webhooks", "rotate"], "New secret, printed once, used from the next attempt on.", Account(), webhook()),
            Verb(verb, ["webhooks", "test"], "Send a webhook.test event.", Account(), webhook()),
            Verb(verb, ["webhooks", "delete"], "Delete an endpoint; its open deliveries are canceled.", Account(), webhook()),
            Verb(verb, ["webhooks", "deliveries"], "Deliveries, newest first, with their attempts.",
                Account(), webhook(), Number("--limit", "N", "Deliveries per page, 1-100 (default 20)."), Number("--offset", "N", "Deliveries to skip.")),
            Verb(verb, ["webhooks", "replay"], "Send a delivery's event again as a new delivery.",
                Account(), webhook(), Text("--delivery", "DID", "The delivery's id.", required: true))));
        return root;
    }

    /// <summary>Every command under <paramref name="command"/> with its words, depth first.</summary>
    public static IEnumerable<(string[] Words, Command Command)> Walk(Command command, string[]? words = null)
    {
        words ??= [];
        yield return (words, command);
        foreach (var sub in command.Subcommands)
            foreach (var nested in Walk(sub, [.. words, sub.Name]))
                yield return nested;
    }

    private static Command Verb(VerbAction run, string[] words, string description, params Option[] flags)
    {
        var command = new Command(words[^1], description);
        foreach (var flag in flags) command.Options.Add(flag);
        command.Arguments.Add(Settings(anyForm: false));
        command.SetAction(parse => run(words, Given(parse)));
        return command;
    }

    /// <summary>A verb of two words: the group alone has no action, so naming only it is a usage error.</summary>
    private static Command Group(string name, string description, params Command[] verbs)
    {
        var group = new Command(name, description);
        foreach (var verb in verbs) group.Subcommands.Add(verb);
        return group;
    }

    /// <summary>The flags given (not defaulted), by name: a switch as true or false, any other flag as its text.</summary>
    private static Dictionary<string, string> Given(ParseResult parse)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var result in parse.CommandResult.Children.OfType<OptionResult>().Where(r => !r.Implicit))
            flags[result.Option.Name[2..]] = result.Option is Option<bool> ? (result.GetValueOrDefault<bool>() ? "true" : "false") : result.Tokens[^1].Value;
        return flags;
    }

    /// <summary>
    /// Configuration arguments, left to .NET configuration. After a verb only <c>--Key=value</c> is one, so anything
    /// else there is a mistyped flag; serving takes every form, but a first word that is no verb is a mistyped verb.
    /// </summary>
    private static Argument<string[]> Settings(bool anyForm)
    {
        var settings = new Argument<string[]>("settings") { Arity = ArgumentArity.ZeroOrMore, Hidden = true };
        settings.Validators.Add(result =>
        {
            if (anyForm)
            {
                if (result.Tokens.FirstOrDefault()?.Value is { } first && !first.StartsWith('-') && !first.StartsWith('/') && !first.Contains('='))
                    result.AddError($"'{first}' is not a verb.");
                return;
            }
            for (var i = 0; i < result.Tokens.Count; i++)
            {
                var token = result.Tokens[i].Value;
                if (token.StartsWith("--", StringComparison.Ordinal) && token.Contains('=')) continue;
                if (!token.StartsWith('-'))
                {
                    result.AddError($"Unexpected argument '{token}'.");
                    continue;
                }
                result.AddError($"Unknown flag '{token}'.");
                // The word after a mistyped flag is its value, not a second mistake.
                if (i + 1 < result.Tokens.Count && !result.Tokens[i + 1].Value.StartsWith('-')) i++;
            }
        });
        return settings;
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(
                typeof(CommandTree).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
            return ExitCodes.Ok;
        }
    }

    private static Option<string> Account() => Text("--account", "ID", "The account's id.", required: true);

    private static Option<string> Text(string name, string helpName, string description, bool required = false)
        => new(name) { HelpName = helpName, Description = description, Required = required };

    private static Option<int> Number(string name, string helpName, string description)
        => new(name) { HelpName = helpName, Description = description };

    private static Option<bool> Switch(string name, string description) => new(name) { Description = description };

    private static Option<decimal> Amount(string description) => new("--amount") { HelpName = "CREDITS", Description = description, Required = true };

    private static Option<string> Thresholds()
    {
        var option = Text("--thresholds", "0.5,2", "Balances, comma-separated, below which an alert fires.");
        option.Validators.Add(result =>
        {
            foreach (var part in result.GetValueOrDefault<string>()?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
                if (!decimal.TryParse(part, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
                    result.AddError($"--thresholds: '{part}' is not a number.");
        });
        return option;
    }
}
