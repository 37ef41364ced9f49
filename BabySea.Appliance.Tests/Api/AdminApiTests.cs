using System.Net;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Api;

public sealed class AdminApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync()
    {
        await Invariants.CheckAsync(_app);
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task AdminToken_MissingOrWrong_IsRefused()
    {
        (await TestApp.GetAsync(_app.NewClient(null), "/admin/v1/accounts")).AssertError(HttpStatusCode.Unauthorized, "BSE1001");
        (await TestApp.GetAsync(_app.NewClient("wrong-token"), "/admin/v1/accounts")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
        (await TestApp.GetAsync(_app.NewClient(TestApp.ApiKey), "/admin/v1/accounts")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
    }

    [Fact]
    public async Task Accounts_CreateWithPlan_ListsIt_WithWelcomeCredit()
    {
        var created = (await TestApp.PostAsync(_app.Admin, "/admin/v1/accounts", new JsonObject { ["name"] = "Studio", ["plan"] = "pro" })).AssertOk().Data;
        Assert.Equal("pro", created.GetProperty("plan").GetString());
        Assert.Equal(1.000m, created.GetProperty("credit_balance").GetDecimal());
        var list = (await TestApp.GetAsync(_app.Admin, "/admin/v1/accounts")).AssertOk().Data.GetProperty("accounts").EnumerateArray()
            .Select(a => a.GetProperty("account_name").GetString());
        Assert.Equal(["Default", "Studio"], list);
        (await TestApp.PostAsync(_app.Admin, "/admin/v1/accounts", new JsonObject { ["name"] = "X", ["plan"] = "platinum" }))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "plan");
        (await TestApp.PostAsync(_app.Admin, "/admin/v1/accounts", new JsonObject { ["plan"] = "pro" })).AssertError(HttpStatusCode.BadRequest, "BSE2001", "name");
    }

    [Fact]
    public async Task Keys_CreatedKeyIsShownOnce_StoredOnlyAsPrefixAndHash()
    {
        var account = await AccountIdAsync();
        var created = (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/keys",
            new JsonObject { ["name"] = "CI", ["scopes"] = new JsonArray("generation:read", "library:read") })).AssertOk().Data;
        var key = created.GetProperty("api_key").GetString()!;
        Assert.Matches("^bye_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(key[..9], created.GetProperty("key").GetProperty("apikey_prefix").GetString());
        Assert.Equal(["generation:read", "library:read"], created.GetProperty("key").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var listed = (await TestApp.GetAsync(_app.Admin, $"/admin/v1/accounts/{account}/keys")).AssertOk();
        Assert.DoesNotContain(key, listed.Text);
        Assert.Equal(2, listed.Data.GetProperty("keys").GetArrayLength());

        var log = Directory.GetFiles(Path.Combine(_app.DataDir, "logs")).Select(File.ReadAllText);
        if (!TestApp.OnPostgres) Assert.DoesNotContain(key, System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(_app.DataDir, "babysea.db"))));
        Assert.All(log, l => Assert.DoesNotContain(key, l));
    }

    [Theory]
    [InlineData("{\"preset\":\"everything\"}", "preset")]
    [InlineData("{\"scopes\":[\"generation:write\",\"root\"]}", "scopes")]
    [InlineData("{\"ip_allowlist\":[\"10.0.0.300\"]}", "ip_allowlist")]
    [InlineData("{\"expires_at\":\"2001-01-01T00:00:00Z\"}", "expires_at")]
    [InlineData("{\"expires_at\":\"tomorrow\"}", "expires_at")]
    public async Task Keys_BadRequests_NameTheField(string body, string field)
        => (await TestApp.PostRawAsync(_app.Admin, $"/admin/v1/accounts/{await AccountIdAsync()}/keys", body)).AssertError(HttpStatusCode.BadRequest, "BSE2001", field);

    [Fact]
    public async Task Credits_AddedExactly_AppearInLedgerAndBalance()
    {
        var account = await AccountIdAsync();
        var entry = (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/credits",
            new JsonObject { ["amount"] = 2.125m, ["description"] = "order:42" })).AssertOk().Data;
        Assert.Equal(3.125m, entry.GetProperty("balance_after").GetDecimal());
        Assert.Equal("add", entry.GetProperty("type").GetString());
        var (balance, entries) = await TestApp.LedgerAsync(_app.Admin, account);
        Assert.Equal(3.125m, balance);
        Assert.Equal(["Welcome credits", "order:42"], entries.Select(e => e.GetProperty("description").GetString()));
        Assert.Equal(3.125m, (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());

        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 0.0001m }))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "amount");
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = -1 }))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "amount");
        (await TestApp.PostAsync(_app.Admin, "/admin/v1/accounts/nope/credits", new JsonObject { ["amount"] = 1 }))
            .AssertError(HttpStatusCode.NotFound, "BSE1008");
    }

    [Fact]
    public async Task Plan_CanBeChanged_AndBillingShowsIt()
    {
        var account = await AccountIdAsync();
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/plan", new JsonObject { ["plan"] = "scale" })).AssertOk();
        Assert.Equal("Scale Monthly", (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).Data.GetProperty("billing_plan").GetString());
    }

    private async Task<string> AccountIdAsync()
        => (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString()!;
}
