using System.Net;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Dashboard;

/// <summary>
/// The routes the dashboard adds: the account's own keys, activity, alerts and webhooks under /v1 (read with
/// account:read, changed with a full-access key, never another account's), the operator's views, and the files.
/// </summary>
public sealed class DashboardEndpointsTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private string _accountId = "";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, 0, "Webhooks:AllowedPrivateHosts:0=127.0.0.1");
        _accountId = (await TestApp.GetAsync(_app.Client, "/v1/keys/self")).Data.GetProperty("account_id").GetString()!;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> KeyAsync(string accountId, string preset)
        => (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{accountId}/keys", $"{{\"name\":\"{preset}\",\"preset\":\"{preset}\"}}")).Data.GetProperty("api_key").GetString()!;

    [Fact]
    public async Task Any_valid_key_reads_its_own_scopes_and_nothing_more()
    {
        using var monitor = _app.NewClient(await KeyAsync(_accountId, "monitor_only"));
        var self = (await TestApp.GetAsync(monitor, "/v1/keys/self")).AssertOk();
        Assert.Equal(["health:read", "library:read"], self.Data.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        Assert.False(self.Text.Contains("hash", StringComparison.OrdinalIgnoreCase));
        (await TestApp.GetAsync(monitor, "/v1/keys")).AssertError(HttpStatusCode.Forbidden, "BSE1003");
        (await TestApp.GetAsync(_app.NewClient(null), "/v1/keys/self")).AssertError(HttpStatusCode.Unauthorized, "BSE1001");
    }

    [Fact]
    public async Task A_read_only_key_reads_keys_activity_alerts_and_webhooks_but_changes_nothing()
    {
        using var viewer = _app.NewClient(await KeyAsync(_accountId, "read_only"));
        foreach (var path in new[] { "/v1/keys", "/v1/activity", "/v1/alerts", "/v1/webhooks" })
            (await TestApp.GetAsync(viewer, path)).AssertOk();
        var refused = await TestApp.PostAsync(viewer, "/v1/keys", "{\"name\":\"escalate\",\"preset\":\"full_access\"}");
        refused.AssertError(HttpStatusCode.Forbidden, "BSE1003");
        Assert.Equal("generation:write", refused.Error.GetProperty("details").GetProperty("required_scope").GetString());
        (await TestApp.PostAsync(viewer, "/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/x\"}")).AssertError(HttpStatusCode.Forbidden, "BSE1003");
        (await TestApp.PutAsync(viewer, "/v1/alerts", new System.Text.Json.Nodes.JsonObject { ["enabled"] = false })).AssertError(HttpStatusCode.Forbidden, "BSE1003");
    }

    [Fact]
    public async Task A_full_access_key_creates_and_revokes_keys_and_the_feed_records_it()
    {
        var created = (await TestApp.PostAsync(_app.Client, "/v1/keys", "{\"name\":\"ci\",\"preset\":\"generate_only\"}")).AssertOk();
        var keyId = created.Data.GetProperty("key").GetProperty("apikey_id").GetString()!;
        Assert.StartsWith("bye_", created.Data.GetProperty("api_key").GetString());
        var listed = (await TestApp.GetAsync(_app.Client, "/v1/keys")).AssertOk();
        Assert.DoesNotContain("api_key\"", listed.Text);
        (await TestApp.PostAsync(_app.Client, $"/v1/keys/{keyId}/revoke", "{}")).AssertOk();
        var feed = (await TestApp.GetAsync(_app.Client, "/v1/activity")).AssertOk().Data.GetProperty("entries").EnumerateArray()
            .Select(e => $"{e.GetProperty("category").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("description").GetString()}").ToArray();
        Assert.Contains(feed, e => e.StartsWith("api_key created Key 'ci'", StringComparison.Ordinal));
        Assert.Contains(feed, e => e.StartsWith("api_key revoked Key 'ci'", StringComparison.Ordinal));
        (await TestApp.PostAsync(_app.Client, "/v1/keys", "{\"name\":\"x\",\"preset\":\"nope\"}")).AssertError(HttpStatusCode.BadRequest, "BSE2001");
    }

    [Fact]
    public async Task Another_accounts_key_and_webhook_are_not_found()
    {
        var other = (await TestApp.PostAsync(_app.Admin, "/admin/v1/accounts", "{\"name\":\"Other\",\"plan\":\"pro\"}")).Data.GetProperty("account_id").GetString()!;
        var otherKey = (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{other}/keys", "{\"name\":\"theirs\"}")).Data.GetProperty("key")
            .GetProperty("apikey_id").GetString()!;
        (await TestApp.PostAsync(_app.Client, $"/v1/keys/{otherKey}/revoke", "{}")).AssertError(HttpStatusCode.NotFound, "BSE3004");
        var hook = (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{other}/webhooks", "{\"url\":\"http://127.0.0.1:9/theirs\"}")).AssertOk();
        var hookId = hook.Data.GetProperty("webhook").GetProperty("webhook_id").GetString()!;
        (await TestApp.GetAsync(_app.Client, $"/v1/webhooks/{hookId}")).AssertError(HttpStatusCode.NotFound, "BSE3004");
        (await TestApp.PostAsync(_app.Client, $"/v1/webhooks/{hookId}/disable", "{}")).AssertError(HttpStatusCode.NotFound, "BSE3004");
        (await TestApp.GetAsync(_app.Client, $"/v1/webhooks/{hookId}/deliveries")).AssertError(HttpStatusCode.NotFound, "BSE3004");
        Assert.Empty((await TestApp.GetAsync(_app.Client, "/v1/webhooks")).Data.GetProperty("webhooks").EnumerateArray());
    }

    [Fact]
    public async Task The_account_manages_its_webhooks_and_alerts_with_its_key()
    {
        var created = (await TestApp.PostAsync(_app.Client, "/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/mine\"}")).AssertOk();
        Assert.StartsWith("whsec_", created.Data.GetProperty("secret").GetString());
        var id = created.Data.GetProperty("webhook").GetProperty("webhook_id").GetString()!;
        Assert.False((await TestApp.PostAsync(_app.Client, $"/v1/webhooks/{id}/disable", "{}")).AssertOk().Data.GetProperty("enabled").GetBoolean());
        Assert.StartsWith("whsec_", (await TestApp.PostAsync(_app.Client, $"/v1/webhooks/{id}/rotate", "{}")).AssertOk().Data.GetProperty("secret").GetString());
        (await TestApp.PostAsync(_app.Client, $"/v1/webhooks/{id}/test", "{}")).AssertOk();
        (await TestApp.GetAsync(_app.Client, $"/v1/webhooks/{id}/deliveries?limit=0")).AssertError(HttpStatusCode.BadRequest, "BSE2001");
        var actions = (await TestApp.GetAsync(_app.Client, "/v1/activity")).AssertOk().Data.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("category").GetString() == "webhook").Select(e => e.GetProperty("action").GetString()!).ToArray();
        Assert.Equal(["created", "disabled", "secret_rotated"], actions);
        var alerts = (await TestApp.PutAsync(_app.Client, "/v1/alerts", new System.Text.Json.Nodes.JsonObject { ["thresholds"] = new System.Text.Json.Nodes.JsonArray(2, 1) })).AssertOk();
        Assert.Equal(2, alerts.Data.GetProperty("thresholds").GetArrayLength());
        (await TestApp.PutAsync(_app.Client, "/v1/alerts", new System.Text.Json.Nodes.JsonObject { ["thresholds"] = "x" })).AssertError(HttpStatusCode.BadRequest, "BSE2001");
    }

    [Fact]
    public async Task The_operator_reads_an_accounts_generations_and_the_appliance_views_with_the_admin_token()
    {
        var id = await _app.CreateGenerationAsync("operator view");
        await _app.WaitForTerminalAsync(id);
        var list = (await TestApp.GetAsync(_app.Admin, $"/admin/v1/accounts/{_accountId}/generations?limit=5")).AssertOk();
        Assert.Contains(id, list.Text);
        (await TestApp.GetAsync(_app.Admin, $"/admin/v1/accounts/{_accountId}/generations/{id}")).AssertOk();
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{_accountId}/generations/{id}/cancel", "{}")).AssertError(HttpStatusCode.Conflict, "BSE3002");
        (await TestApp.GetAsync(_app.Admin, "/admin/v1/accounts/nope/generations")).AssertError(HttpStatusCode.NotFound, "BSE1008");
        foreach (var path in new[] { "/admin/v1/health/inference/providers", "/admin/v1/health/inference/models", "/admin/v1/library/models", "/admin/v1/library/providers" })
            (await TestApp.GetAsync(_app.Admin, path)).AssertOk();
        (await TestApp.GetAsync(_app.Client, "/admin/v1/library/models")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
    }

    [Fact]
    public async Task The_dashboard_is_served_from_the_executable_with_a_strict_policy()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_app.BaseUrl) };
        var root = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/dashboard/", root.Headers.Location!.OriginalString);

        foreach (var path in new[] { "/dashboard/", "/playground/" })
        {
            var page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
            var csp = page.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self';", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-cache", page.Headers.CacheControl!.ToString());
            var html = await page.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<script>", html);
            Assert.DoesNotContain("style=", html);
        }

        var script = await http.GetAsync("/dashboard/js/app.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/js/app.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
        (await TestApp.GetAsync(http, "/dashboard/nope.js")).AssertError(HttpStatusCode.NotFound, "BSE3004");
        (await TestApp.GetAsync(http, "/dashboard/../config/appsettings.json")).AssertError(HttpStatusCode.NotFound, "BSE3004");
    }

    [Fact]
    public void Every_module_the_pages_import_is_embedded()
    {
        var assets = new BabySea.Appliance.Dashboard.DashboardAssets();
        foreach (var path in new[] { "index.html", "app.css", "js/app.js", "vendor/preact.mjs", "vendor/hooks.mjs", "vendor/htm.mjs", "vendor/uplot.mjs", "vendor/uplot.css" })
            Assert.NotNull(assets.Find(path));
        foreach (var name in new[] { "js/app.js", "js/ui.js", "js/api.js", "js/chart.js", "js/pages/playground.js", "js/pages/generations.js" })
        {
            var text = System.Text.Encoding.UTF8.GetString(assets.Find(name)!.Bytes);
            var folder = Path.GetDirectoryName(name)!;
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "from \"(\\.[^\"]+)\""))
            {
                var target = Path.GetFullPath(Path.Combine("/", folder, m.Groups[1].Value)).TrimStart('/');
                Assert.True(assets.Find(target) is not null, $"{name} imports {m.Groups[1].Value}, which is not embedded");
            }
        }
    }
}
