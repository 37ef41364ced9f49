using System.Net;
using System.Text.Json;
using BabySea.Appliance.Tests.Support;
using Microsoft.Playwright;

namespace BabySea.Appliance.Tests.Dashboard;

/// <summary>
/// One appliance with seeded history (made through the real API against the emulated providers) and one headless
/// Chromium from the Debian package, driven by Playwright: never a downloaded browser. Shared by the browser tests.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ImageModel = "bfl/flux-schnell";
    public const string VideoModel = "google/veo-2";

    private IPlaywright? _playwright;

    public TestApp App { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string ReadOnlyKey { get; private set; } = "";
    public string OtherAccountId { get; private set; } = "";
    public string AccountId { get; private set; } = "";

    /// <summary>Where page screenshots go: the test project's TestResults/screenshots.</summary>
    public static string ScreenshotDir { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "screenshots"));

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install the Debian package 'chromium' (./test.sh does when run as root).");
        App = await TestApp.StartAsync(null, 0, "Emulator:ImageLatencyMs=100", "Emulator:VideoLatencyMs=300",
            "Webhooks:AllowedPrivateHosts:0=127.0.0.1");
        await SeedAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Tests run as root in CI, where Chromium refuses its sandbox.
            Args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        });
        Directory.CreateDirectory(ScreenshotDir);
    }

    private async Task SeedAsync()
    {
        var status = await TestApp.GetAsync(App.Client, "/v1/keys/self");
        AccountId = status.Data.GetProperty("account_id").GetString()!;
        // Videos cost dollars; the welcome credit would not pay for the seeded one and the playground's.
        await TestApp.PostAsync(App.Admin, $"/admin/v1/accounts/{AccountId}/credits", "{\"amount\":50,\"description\":\"seeded top-up\"}");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await App.CreateGenerationAsync($"seeded harbour seal {i}", ImageModel));
        ids.Add(await App.CreateGenerationAsync("seeded refusal [[emulate invalid_input]]", ImageModel));
        var video = await TestApp.PostRawAsync(App.Client, $"/v1/generate/video/{VideoModel}", "{\"generation_prompt\":\"seeded waves\",\"generation_duration\":5}");
        Assert.True(video.Status == HttpStatusCode.OK, video.Text);
        ids.Add(video.Data.GetProperty("generation_id").GetString()!);
        foreach (var id in ids) await App.WaitForTerminalAsync(id);

        var key = await TestApp.PostAsync(App.Admin, $"/admin/v1/accounts/{AccountId}/keys", "{\"name\":\"viewer\",\"preset\":\"read_only\"}");
        ReadOnlyKey = key.Data.GetProperty("api_key").GetString()!;
        var other = await TestApp.PostAsync(App.Admin, "/admin/v1/accounts", "{\"name\":\"Second studio\",\"plan\":\"pro\"}");
        OtherAccountId = other.Data.GetProperty("account_id").GetString()!;
        var hook = await TestApp.PostAsync(App.Client, "/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/hook\"}");
        Assert.True(hook.Status == HttpStatusCode.OK, hook.Text);
        await TestApp.PostAsync(App.Client, $"/v1/webhooks/{hook.Data.GetProperty("webhook").GetProperty("webhook_id").GetString()}/test", "{}");
    }

    public async Task<string> StartGenerationAsync(string prompt)
    {
        var r = await TestApp.PostRawAsync(App.Client, $"/v1/generate/image/{ImageModel}", $"{{\"generation_prompt\":{JsonSerializer.Serialize(prompt, TestJson.Default.String)}}}");
        Assert.True(r.Status == HttpStatusCode.OK, r.Text);
        return r.Data.GetProperty("generation_id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (App is not null) await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard browser";
}
