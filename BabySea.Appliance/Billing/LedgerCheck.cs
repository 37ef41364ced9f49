using BabySea.Appliance.Hosting;
using Cronos;

namespace BabySea.Appliance.Billing;

/// <summary>
/// Checks the ledger entries written since each account's checkpoint and moves the checkpoints on: at start, and while
/// serving on <c>Billing:LedgerCheckSchedule</c> (default hourly). What a start walks is then one interval of traffic,
/// never the whole history since the last start. The full check stays the <c>verify</c> verb.
/// </summary>
public sealed class LedgerCheck(LedgerVerifier verifier, IConfiguration config, ILogger<LedgerCheck> log) : ICronJob
{
    public string Name => "ledger-check";

    public CronExpression Schedule { get; } = CronScheduler.Parse("Billing:LedgerCheckSchedule", config["Billing:LedgerCheckSchedule"] ?? "17 * * * *");

    public async Task RunAsync(CancellationToken ct)
    {
        var report = await verifier.RunSinceCheckpointsAsync(ct);
        if (report.Ok)
            log.LogInformation("Ledger verified since the last check: {Accounts} accounts touched, {Entries} new entries", report.AccountsChecked, report.EntriesChecked);
        else
            foreach (var violation in report.Violations) log.LogError("Ledger violation: {Violation}", violation);
    }
}
