using System.Text.Json;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Hosting;

public sealed class LogFormatTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task JsonFormat_WritesOneCompactJsonObjectPerLine_WithTheEventsProperties_AndNoPrompt()
    {
        const string prompt = "a secret harbour at dusk";
        string id;
        await using (var app = await TestApp.StartAsync(_dataDir, 0, "Logging:Format=json", "Logging:Level=Information"))
        {
            id = await app.CreateGenerationAsync(prompt);
            await app.WaitForTerminalAsync(id);
        }

        var lines = File.ReadAllLines(Directory.GetFiles(Path.Combine(_dataDir, "logs")).Single());
        Assert.NotEmpty(lines);
        var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(events, e => Assert.True(DateTimeOffset.TryParse(e.GetProperty("@t").GetString(), out _), e.ToString()));
        Assert.All(events, e => Assert.True(e.TryGetProperty("@mt", out _), e.ToString()));
        var succeeded = Assert.Single(events, e => e.GetProperty("@mt").GetString()!.StartsWith("Generation {GenerationId} succeeded", StringComparison.Ordinal));
        Assert.Equal(id, succeeded.GetProperty("GenerationId").GetString());
        Assert.False(string.IsNullOrEmpty(succeeded.GetProperty("Provider").GetString()));
        Assert.Contains(events, e => e.TryGetProperty("SourceContext", out var source) && source.GetString() == "BabySea.Appliance.Generations.GenerationRunner");
        Assert.DoesNotContain(lines, l => l.Contains(prompt, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(TestApp.ApiKey, StringComparison.Ordinal) || l.Contains(TestApp.AdminTokenValue, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TextFormat_StaysTheDefault_ReadableLines()
    {
        await using (var app = await TestApp.StartAsync(_dataDir, 0, "Logging:Level=Information"))
            await app.WaitForTerminalAsync(await app.CreateGenerationAsync("a lighthouse"));

        var lines = File.ReadAllLines(Directory.GetFiles(Path.Combine(_dataDir, "logs")).Single());
        Assert.Contains(lines, l => l.Contains("[INF] Generation ", StringComparison.Ordinal) && l.Contains(" succeeded on ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith('{'));
    }

    [Fact]
    public void UnknownFormat_StopsStartUp_NamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AppHost.Build([$"--BABYSEA_DATA_DIR={_dataDir}", "--Logging:Format=xml"], new StringWriter()));
        Assert.Contains("Logging:Format 'xml'", error.Message);
    }
}
