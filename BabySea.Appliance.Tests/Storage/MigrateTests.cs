using System.Text.Json;
using BabySea.Appliance.Cli;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Storage;

/// <summary><c>migrate --from-litedb</c>: an appliance moved from its LiteDB folder onto PostgreSQL serves as it did.</summary>
[Trait("Engine", "LiteDb")] // it picks both engines itself
public sealed class MigrateTests : IDisposable
{
    private readonly string _folder = TestApp.NewDataDir();
    private readonly string _node = TestApp.NewDataDir();
    private readonly string _artifacts = TestApp.NewDataDir();

    public void Dispose()
    {
        foreach (var dir in new[] { _folder, _node, _artifacts }.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task AStoppedFolder_MovesIntoAnEmptyDatabase_BothSidesVerify_AndTheAppServesTheSameKeysMoneyAndFiles()
    {
        string id, link, account;
        byte[] file;
        decimal balance;
        int entries;
        await using (var app = await TestApp.StartAsync(_folder, 0, "Storage:Engine=litedb"))
        {
            id = await app.CreateGenerationAsync("a puffin on a cliff", extraJson: "\"generation_provider_order\":\"replicate\"");
            var done = await app.WaitForTerminalAsync(id);
            account = done.GetProperty("account_id").GetString()!;
            link = new Uri(done.GetProperty("generation_output_file")[0].GetString()!).PathAndQuery;
            file = await app.Client.GetByteArrayAsync(link);
            JsonElement[] ledger;
            (balance, ledger) = await TestApp.LedgerAsync(app.Admin, account);
            entries = ledger.Length;
        }
        Assert.Equal(0, await CommandLine.RunAsync(["seed", "--accounts", "2", "--generations", "150", "--request-logs", "200", "--days", "20",
            $"--BABYSEA_DATA_DIR={_folder}", "--Storage:Engine=litedb"], new StringWriter(), new StringWriter()));

        var target = new[] { "--Storage:Engine=postgres", $"--Storage:ConnectionString={PostgresServer.NewDatabase()}", $"--Storage:ArtifactsPath={_artifacts}" };
        var (code, stdout, stderr) = await MigrateAsync(target);
        Assert.True(code == 0, stderr + stdout);
        var report = JsonDocument.Parse(stdout).RootElement;
        var (source, copy) = (report.GetProperty("source"), report.GetProperty("target"));
        Assert.True(copy.GetProperty("ok").GetBoolean(), copy.ToString());
        foreach (var figure in new[] { "accounts_checked", "generations_checked", "entries_checked" })
            Assert.Equal(source.GetProperty(figure).GetInt32(), copy.GetProperty(figure).GetInt32());
        Assert.Equal(151, copy.GetProperty("generations_checked").GetInt32());
        Assert.True(report.GetProperty("copied").GetProperty("webhook_deliveries").GetInt64() > 0);

        // A node on the database: the folder's key, balance, ledger, generation and signed link, unchanged.
        await using (var app = await TestApp.StartAsync(_node, 0, [.. target.Select(t => t[2..])]))
        {
            var (after, ledger) = await TestApp.LedgerAsync(app.Admin, account);
            Assert.Equal((balance, entries), (after, ledger.Length));
            var done = (await TestApp.GetAsync(app.Client, $"/v1/content/{id}")).AssertOk().Data;
            Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
            Assert.Equal(file, await app.Client.GetByteArrayAsync(link));
            // It works on: a new generation on the moved account is admitted, runs and is paid for.
            var next = await app.CreateGenerationAsync("a second puffin", extraJson: "\"generation_provider_order\":\"replicate\"");
            Assert.Equal("succeeded", (await app.WaitForTerminalAsync(next)).GetProperty("generation_status").GetString());
        }

        // A database that already holds data is never written over.
        (code, _, stderr) = await MigrateAsync(target);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("already holds accounts", stderr);
    }

    private async Task<(int Code, string Stdout, string Stderr)> MigrateAsync(string[] target)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CommandLine.RunAsync(["migrate", "--from-litedb", _folder, $"--BABYSEA_DATA_DIR={_node}", .. target], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
