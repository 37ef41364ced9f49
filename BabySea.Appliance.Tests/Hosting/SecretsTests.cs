using BabySea.Appliance.Storage;
using System.Net;
using BabySea.Appliance.Api.Admin;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace BabySea.Appliance.Tests.Hosting;

public sealed class SecretsTests : IDisposable
{
    private readonly string _dir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void NewAdminToken_IsOwnerOnly_WhollyWritten_AndLeavesNoTemporaryFile()
    {
        var console = new StringWriter();
        var token = FirstRun.AdminToken(Config(), new DataFolderSecrets(_dir), console);

        var path = Path.Combine(_dir, "admin-token");
        Assert.Equal(token, File.ReadAllText(path));
        Assert.StartsWith("bsa_", token);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["admin-token"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Contains(token, console.ToString());
        // The second start reads the same token and prints nothing.
        var again = new StringWriter();
        Assert.Equal(token, FirstRun.AdminToken(Config(), new DataFolderSecrets(_dir), again));
        Assert.Empty(again.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \n", "empty")]
    [InlineData("short", "too short")]
    public void AdminTokenFile_EmptyOrShort_StopsStart(string content, string said)
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "admin-token"), content);
        var error = Assert.Throws<InvalidOperationException>(() => FirstRun.AdminToken(Config(), new DataFolderSecrets(_dir), TextWriter.Null));
        Assert.Contains("admin token", error.Message);
        Assert.Contains(said, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef")]
    public void UrlSigningKey_EmptyOrShort_StopsStart(string content)
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "url-signing.key"), content);
        var error = Assert.Throws<InvalidOperationException>(() => FirstRun.UrlSigningKey(new DataFolderSecrets(_dir)));
        Assert.Contains("URL signing key", error.Message);
    }

    [Fact]
    public void UrlSigningKey_IsCreatedOnce_OwnerOnly_With256RandomBits()
    {
        var key = FirstRun.UrlSigningKey(new DataFolderSecrets(_dir));
        Assert.Equal(43, key.Length);
        Assert.Equal(key, FirstRun.UrlSigningKey(new DataFolderSecrets(_dir)));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "url-signing.key")));
    }

    [Fact]
    public void TryCreate_NeverReplacesASecretAlreadyThere()
    {
        var path = Path.Combine(_dir, "admin-token");
        Assert.True(Secrets.TryCreate(path, "first-secret-0123456789"));
        Assert.False(Secrets.TryCreate(path, "second-secret-0123456789"));
        Assert.Equal("first-secret-0123456789", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void FixedAdminToken_ShorterThan16_StopsStart()
        => Assert.Throws<InvalidOperationException>(() => FirstRun.AdminToken(Config(("BABYSEA_ADMIN_TOKEN", "   short-token   ")), new DataFolderSecrets(_dir), TextWriter.Null));

    [Fact]
    public void AdminToken_Empty_CannotExist_AndNothingMatchesAnEmptyCandidate()
    {
        Assert.Throws<ArgumentException>(() => new AdminToken(""));
        var token = new AdminToken("a-real-admin-token-0123");
        Assert.False(token.Matches(""));
        Assert.False(token.Matches("a-real-admin-token-012"));
        Assert.True(token.Matches("a-real-admin-token-0123"));
    }

    [Fact]
    public async Task BootstrapKey_ShorterThanAGeneratedKey_StopsStart()
    {
        var dir = TestApp.NewDataDir();
        // bye_ and 40 characters: valid characters, but fewer random bits than a generated key (43).
        var error = await Assert.ThrowsAsync<InvalidOperationException>(()
            => TestApp.StartAsync(dir, 0, "BABYSEA_BOOTSTRAP_API_KEY=bye_" + new string('a', 40)));
        Assert.Contains("BABYSEA_BOOTSTRAP_API_KEY", error.Message);
    }

    [Fact]
    public async Task FailedAdminAuthentications_AreLimitedPerClient_LikeApiKeys()
    {
        await using var app = await TestApp.StartAsync(null, 0, "RateLimits:AuthFailuresPerMinute=3");
        var wrong = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        wrong.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");
        for (var i = 0; i < 3; i++) (await TestApp.GetAsync(wrong, "/admin/v1/accounts")).AssertError(HttpStatusCode.Unauthorized, "BSE1002");
        var blocked = (await TestApp.GetAsync(wrong, "/admin/v1/accounts")).AssertError(HttpStatusCode.TooManyRequests, "BSE1006");
        Assert.NotNull(blocked.Header("Retry-After"));
        // The right token from that address waits too: guessing stops before any comparison.
        (await TestApp.GetAsync(app.Admin, "/admin/v1/accounts")).AssertError(HttpStatusCode.TooManyRequests, "BSE1006");
    }
}
