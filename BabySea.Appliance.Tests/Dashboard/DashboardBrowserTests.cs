using BabySea.Appliance.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace BabySea.Appliance.Tests.Dashboard;

/// <summary>The dashboard and playground in a real Chromium, over seeded history on emulated providers.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardFixture f, ITestOutputHelper output)
{
    private void Report(BrowserPage b)
        => output.WriteLine("Page data on screen (ms, click to rendered, small seeded history): "
                            + string.Join(", ", b.Timings.Select(t => $"{t.Key} {t.Value}")));

    [Fact]
    public async Task An_account_key_sees_every_page_with_real_data_labelled_and_without_errors()
    {
        await using var b = await BrowserPage.SignInAsync(f, "key", TestApp.ApiKey);
        var page = b.Page;

        await b.GoAsync("Generations", "Generations");
        await Expect(page.GetByText("seeded harbour seal 0")).ToBeVisibleAsync();
        await Expect(page.Locator("img.media").First).ToBeVisibleAsync();
        await Expect(page.Locator("video.media").First).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "seeded refusal" }).GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        await Expect(page.Locator("[data-attempts]")).ToContainTextAsync("BSE");
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("generations");

        await b.GoAsync("Activity", "Activity");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "api_key" }).First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "webhook" }).First).ToBeVisibleAsync();
        await page.GetByLabel("Search").FillAsync("viewer");
        await Expect(page.GetByText("Key 'viewer'")).ToBeVisibleAsync();
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("activity");

        await b.GoAsync("API keys", "API keys");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "viewer" })).ToBeVisibleAsync();
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("keys");

        await b.GoAsync("Webhooks", "Webhooks");
        await Expect(page.GetByText("http://127.0.0.1:9/hook")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Deliveries" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "webhook.test" }).First).ToBeVisibleAsync();
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("webhooks");

        await b.GoAsync("Alerts", "Alerts");
        await Expect(page.Locator("[data-alerts]")).ToContainTextAsync("$0.500");
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("alerts");

        await b.GoAsync("Providers", "Providers");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "replicate", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("emulated").First).ToBeVisibleAsync();
        await b.ScreenshotAsync("providers");

        await b.GoAsync("Catalog", "Catalog");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "bfl/flux-schnell", Exact = true })).ToBeVisibleAsync();
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("catalog");

        Report(b);
        b.AssertNoErrors();
    }

    [Fact]
    public async Task Metrics_logs_and_credits_pages_show_the_rollups_the_request_log_and_the_ledger()
    {
        await using var b = await BrowserPage.SignInAsync(f, "key", TestApp.ApiKey, "/dashboard/#/metrics");
        var page = b.Page;

        await b.GoAsync("Metrics", "Metrics");
        await Expect(page.Locator("[data-plan-card]")).ToContainTextAsync("Enterprise");
        await Expect(page.Locator("[data-analytics] .uplot").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "bfl/flux-schnell", Exact = true })).ToBeVisibleAsync();
        await page.GetByLabel("Period").SelectOptionAsync("24h");
        await Expect(page.Locator("[data-analytics]")).ToBeVisibleAsync();
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("metrics");

        await b.GoAsync("Logs", "Logs");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "POST" }).First).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        Assert.Equal("logs.csv", download.SuggestedFilename);
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("logs");

        await b.GoAsync("Credits", "Credits");
        await Expect(page.GetByText("seeded top-up")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "reserve" }).First).ToBeVisibleAsync();
        var json = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export JSON" }).ClickAsync());
        Assert.Equal("ledger.json", json.SuggestedFilename);
        await b.ScreenshotAsync("credits");

        Report(b);
        b.AssertNoErrors();
    }

    [Fact]
    public async Task The_operator_signs_in_with_the_admin_token_and_manages_accounts_and_another_accounts_data()
    {
        await using var b = await BrowserPage.SignInAsync(f, "operator", TestApp.AdminTokenValue);
        var page = b.Page;
        await b.GoAsync("Accounts", "Accounts");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Second studio" })).ToBeVisibleAsync();
        await page.Locator("form[aria-label='New account'] input[name=name]").FillAsync("Browser-made studio");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Browser-made studio" })).ToBeVisibleAsync();
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("operator-accounts");

        await page.Locator("select[name=account]").SelectOptionAsync(f.AccountId);
        await b.GoAsync("Generations", "Generations");
        await Expect(page.GetByText("seeded harbour seal 1")).ToBeVisibleAsync();
        await b.GoAsync("API keys", "API keys");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "viewer" })).ToBeVisibleAsync();
        await b.GoAsync("Providers", "Providers");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "fal", Exact = true })).ToBeVisibleAsync();
        await b.ScreenshotAsync("operator-providers");
        b.AssertNoErrors();
    }

    [Fact]
    public async Task A_read_only_key_sees_generations_but_is_offered_no_cancel_delete_or_key_changes()
    {
        var id = await f.StartGenerationAsync("read-only watch [[emulate never_finish]]");
        await f.App.WaitForAsync(id, s => s == "processing");
        await using var b = await BrowserPage.SignInAsync(f, "key", f.ReadOnlyKey);
        var page = b.Page;
        await b.GoAsync("Generations", "Generations");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "read-only watch" });
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await b.GoAsync("API keys", "API keys");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create key" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Playground" })).ToHaveCountAsync(0);
        await b.ScreenshotAsync("read-only-keys");
        b.AssertNoErrors();
        await TestApp.PostAsync(f.App.Client, $"/v1/content/generation/cancel/{id}", "{}");
    }

    [Fact]
    public async Task A_generation_is_canceled_from_the_generations_page()
    {
        var id = await f.StartGenerationAsync("cancel me from the browser [[emulate never_finish]]");
        await f.App.WaitForAsync(id, s => s == "processing");
        await using var b = await BrowserPage.SignInAsync(f, "key", TestApp.ApiKey);
        await b.GoAsync("Generations", "Generations");
        var row = b.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "cancel me from the browser" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row.GetByText("canceled", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal("canceled", (await f.App.WaitForTerminalAsync(id)).GetProperty("generation_status").GetString());
        b.AssertNoErrors();
    }

    [Fact]
    public async Task A_key_is_created_with_its_secret_shown_once_and_then_revoked()
    {
        await using var b = await BrowserPage.SignInAsync(f, "key", TestApp.ApiKey);
        var page = b.Page;
        await b.GoAsync("API keys", "API keys");
        await page.Locator("input[name=name]").FillAsync("made in the browser");
        await page.GetByLabel("Preset").SelectOptionAsync("generate_only");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = await page.Locator("[data-secret]").TextContentAsync();
        Assert.StartsWith("bye_", secret);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await TestApp.GetAsync(f.App.NewClient(secret), "/v1/content/list")).Status);
        await b.ScreenshotAsync("key-created");
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.Locator("[data-secret]")).ToHaveCountAsync(0);

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "made in the browser" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(row.GetByText("revoked")).ToBeVisibleAsync();
        Assert.Equal("BSE1002", (await TestApp.GetAsync(f.App.NewClient(secret), "/v1/content/list")).ErrorCode);
        b.AssertNoErrors();
    }

    [Fact]
    public async Task The_playground_generates_an_image_and_a_video_and_shows_them()
    {
        await using var b = await BrowserPage.SignInAsync(f, "key", TestApp.ApiKey, "/playground/");
        var page = b.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Playground" })).ToBeVisibleAsync();
        await page.Locator("select[name=model]").SelectOptionAsync(DashboardFixture.ImageModel);
        await page.GetByLabel("Prompt").FillAsync("a lighthouse in fog");
        await Expect(page.Locator("[data-estimate]")).ToContainTextAsync("$0.003");
        await page.GetByLabel("Idempotency-Key (optional)").FillAsync("playground-image-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
        await Expect(page.Locator("[data-result]")).ToContainTextAsync("succeeded");
        await Expect(page.Locator("[data-result] img")).ToBeVisibleAsync();
        Assert.True(await page.Locator("[data-result] img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("playground-image");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Video" }).ClickAsync();
        await page.Locator("select[name=model]").SelectOptionAsync(DashboardFixture.VideoModel);
        await page.GetByLabel("Prompt").FillAsync("waves on a reef");
        await Expect(page.Locator("[data-estimate]")).ToContainTextAsync("$2.500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
        await Expect(page.Locator("[data-result]")).ToContainTextAsync("succeeded", new() { Timeout = 30_000 });
        var video = page.Locator("[data-result] video");
        await Expect(video).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('[data-result] video'); return v && v.readyState >= 2 && v.currentTime > 0; }");
        await b.ScreenshotAsync("playground-video");
        b.AssertNoErrors();
    }

    [Fact]
    public async Task A_refused_request_shows_its_BSE_code_in_the_playground()
    {
        await using var b = await BrowserPage.SignInAsync(f, "key", TestApp.ApiKey, "/playground/");
        var page = b.Page;
        await page.Locator("select[name=model]").SelectOptionAsync(DashboardFixture.ImageModel);
        await page.GetByLabel("Prompt").FillAsync("a lighthouse");
        await page.GetByLabel("Provider order (optional)").FillAsync("nonexistent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("BSE2012");
        // The refused request itself is the browser's only complaint.
        Assert.All(b.Errors, e => Assert.Contains("status of 400", e));
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_its_code_and_nothing_is_kept()
    {
        await using var b = await BrowserPage.OpenAsync(f);
        await b.Page.Locator("input[name=secret]").FillAsync("bye_not_a_real_key_000000000000000000000000000");
        await b.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(b.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("BSE1002");
        Assert.Equal("null", await b.Page.EvaluateAsync<string>("() => String(sessionStorage.getItem('babysea.session'))"));
        await b.AssertLabelledAsync();
        await b.ScreenshotAsync("sign-in");
    }
}
