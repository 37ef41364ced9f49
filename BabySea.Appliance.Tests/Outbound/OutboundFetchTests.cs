using BabySea.Appliance.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace BabySea.Appliance.Tests.Outbound;

/// <summary>
/// URLs that come from a caller (input files) or a provider's answer (outputs, redirects) pass the outbound policy on
/// the address actually connected to; a refusal is a clear BSE error that quotes nothing the target said.
/// </summary>
public sealed class OutboundFetchTests
{
    private const string Png1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    [Fact]
    public async Task InputFile_OnAnInternalAddress_IsNotFetched_AndTheGenerationFailsWithBse2009()
    {
        await using var secret = await FakeUpstream.StartAsync(http => http.Response.WriteAsync("internal-only-secret"));
        await using var openai = await FakeUpstream.StartAsync(http => http.Response.WriteAsync($"{{\"data\":[{{\"b64_json\":\"{Png1x1}\"}}]}}"));
        await using var app = await TestApp.StartAsync(null, 0, "Providers:openai:ApiKey=sk-operator", $"Providers:openai:BaseUrl={openai.BaseUrl}/v1");

        var id = await app.CreateGenerationAsync("edit it", "openai/gpt-image-1.5",
            $"\"generation_input_file\":[\"{secret.BaseUrl}/admin/keys\"],\"generation_provider_order\":\"openai\"");
        var done = await app.WaitForTerminalAsync(id);

        Assert.Equal("failed", done.GetProperty("generation_status").GetString());
        Assert.Equal("BSE2009", done.GetProperty("generation_error_code").GetString());
        var error = done.GetProperty("generation_error").GetString()!;
        Assert.Contains("outbound address policy", error);
        Assert.DoesNotContain("internal-only-secret", error);
        Assert.Empty(secret.Paths);
        Assert.Empty(openai.Paths); // refused before anything was sent to the provider
        await Invariants.CheckAsync(app);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam")]
    [InlineData("http://[::ffff:127.0.0.1]:9/x.png")]
    [InlineData("http://10.1.2.3/x.png")]
    public async Task OutputUrl_OnAnInternalAddress_IsRefused_AsAnInvalidOutput(string outputUrl)
    {
        await using var openai = await FakeUpstream.StartAsync(http => http.Response.WriteAsync($"{{\"data\":[{{\"url\":\"{outputUrl}\"}}]}}"));
        await using var app = await TestApp.StartAsync(null, 0, "Providers:openai:ApiKey=sk-operator", $"Providers:openai:BaseUrl={openai.BaseUrl}/v1");

        var id = await app.CreateGenerationAsync("a fox", "openai/gpt-image-1.5", "\"generation_provider_order\":\"openai\"");
        var done = await app.WaitForTerminalAsync(id);

        Assert.Equal("BSE4012", done.GetProperty("generation_error_code").GetString());
        Assert.Contains("outbound address policy", done.GetProperty("generation_error").GetString());
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task OutputUrl_RedirectingToAnInternalAddress_IsRefusedAtTheHop()
    {
        await using var secret = await FakeUpstream.StartAsync(http => http.Response.WriteAsync("internal"));
        // The file link is on the operator's configured provider origin (allowed); its redirect points elsewhere (not).
        await using var openai = await FakeUpstream.StartAsync();
        openai.Handle = http =>
        {
            if (!http.Request.Path.StartsWithSegments("/file.png"))
                return http.Response.WriteAsync($"{{\"data\":[{{\"url\":\"{openai.BaseUrl}/file.png\"}}]}}");
            http.Response.StatusCode = 302;
            http.Response.Headers.Location = $"{secret.BaseUrl}/x.png";
            return Task.CompletedTask;
        };
        await using var app = await TestApp.StartAsync(null, 0, "Providers:openai:ApiKey=sk-operator", $"Providers:openai:BaseUrl={openai.BaseUrl}/v1");

        var id = await app.CreateGenerationAsync("a fox", "openai/gpt-image-1.5", "\"generation_provider_order\":\"openai\"");
        var done = await app.WaitForTerminalAsync(id);

        Assert.Equal("BSE4012", done.GetProperty("generation_error_code").GetString());
        Assert.Contains("/file.png", openai.Paths);
        Assert.Empty(secret.Paths);
    }
}
