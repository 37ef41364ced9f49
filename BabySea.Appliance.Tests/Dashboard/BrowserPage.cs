using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BabySea.Appliance.Tests.Dashboard;

/// <summary>
/// A fresh browser context signed in one way or the other, collecting every console error and uncaught exception so
/// a test can require none, and checking that each form control a page shows has a label.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") Errors.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => Errors.Add($"uncaught: {e}");
    }

    public IPage Page { get; }
    public List<string> Errors { get; } = [];

    public static async Task<BrowserPage> OpenAsync(DashboardFixture f, string path = "/dashboard/")
    {
        var context = await f.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = f.App.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        var page = new BrowserPage(context, await context.NewPageAsync());
        page.Page.SetDefaultTimeout(15_000);
        await page.Page.GotoAsync(path);
        return page;
    }

    /// <summary>Signs in on <paramref name="path"/>; by default the Generations page, which reads only /v1/content.</summary>
    public static async Task<BrowserPage> SignInAsync(DashboardFixture f, string kind, string secret, string path = "/dashboard/#/generations")
    {
        var page = await OpenAsync(f, path);
        await page.SignInAsync(kind, secret);
        return page;
    }

    public async Task SignInAsync(string kind, string secret)
    {
        if (kind == "operator") await Page.GetByLabel("Operator (admin token)").CheckAsync();
        await Page.Locator("input[name=secret]").FillAsync(secret);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>Milliseconds from each navigation click to the page's data on screen, by page.</summary>
    public Dictionary<string, long> Timings { get; } = [];

    /// <summary>Opens a dashboard page from the navigation and waits for its heading and its data.</summary>
    public async Task GoAsync(string label, string heading)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = label, Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByText("Loading…")).ToHaveCountAsync(0);
        Timings[label] = clock.ElapsedMilliseconds;
    }

    /// <summary>Every visible input, select and textarea has a label (or an accessible name).</summary>
    public async Task AssertLabelledAsync()
    {
        var unlabelled = await Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea')]
              .filter(el => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
              .map(el => el.outerHTML.slice(0, 120))
            """);
        Assert.True(unlabelled.Length == 0, "Unlabelled controls: " + string.Join(" | ", unlabelled));
    }

    public async Task ScreenshotAsync(string name)
        => await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ScreenshotDir, name + ".png"), FullPage = true });

    public void AssertNoErrors() => Assert.True(Errors.Count == 0, "Browser errors: " + string.Join(" | ", Errors));

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
