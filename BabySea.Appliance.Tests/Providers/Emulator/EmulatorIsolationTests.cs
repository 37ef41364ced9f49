using System.Net;
using System.Net.Http.Headers;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Providers.Emulator;
using BabySea.Appliance.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BabySea.Appliance.Tests.Providers.Emulator;

/// <summary>The emulators are reachable only by the appliance itself, and trust nothing a caller could hand them.</summary>
public sealed class EmulatorIsolationTests
{
    [Theory]
    [InlineData("GET", "/emulator/replicate/v1/predictions/abc")]
    [InlineData("POST", "/emulator/replicate/v1/predictions")]
    [InlineData("GET", "/emulator/files/abc/out-0.png")]
    [InlineData("PUT", "/emulator/fal/fal-ai/flux/requests/abc/cancel")]
    public async Task PublicListener_HasNoEmulatorRoute(string method, string path)
    {
        await using var app = await TestApp.StartAsync();
        var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "x");
        var r = await ApiResponse.ReadAsync(await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") }));
        r.AssertError(HttpStatusCode.NotFound, "BSE3004");
    }

    [Fact]
    public async Task EmulatorListener_IsOnLoopback_OnAnotherPort_AndAbsentWithoutEmulation()
    {
        await using (var app = await TestApp.StartAsync())
        {
            var origin = new Uri(app.Service<EmulatorAddress>().Origin);
            Assert.Equal("127.0.0.1", origin.Host);
            Assert.NotEqual(new Uri(app.BaseUrl).Port, origin.Port);
        }
        await using var production = await TestApp.StartAsync(null, 0, "Providers:EmulateMissingKeys=false");
        Assert.DoesNotContain(production.App.Services.GetServices<IHostedService>(), s => s is EmulatorListener);
        Assert.Throws<InvalidOperationException>(() => production.Service<EmulatorAddress>().Origin);
    }

    [Fact]
    public async Task Tokens_AreSigned_SoAGuessedOrAlteredOneIsNotFound()
    {
        await using var app = await TestApp.StartAsync();
        var id = await app.CreateGenerationAsync("a fox [[emulate never_finish]]", extraJson: "\"generation_provider_order\":\"replicate\"");
        var running = await app.WaitForAsync(id, _ => true);
        for (var i = 0; running.GetProperty("generation_prediction_id").ValueKind != System.Text.Json.JsonValueKind.String && i < 100; i++)
        {
            await Task.Delay(50);
            running = await app.WaitForAsync(id, _ => true);
        }
        var token = running.GetProperty("generation_prediction_id").GetString()!;
        var emulator = new HttpClient { BaseAddress = new Uri(app.Service<EmulatorAddress>().Origin) };
        emulator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "x");
        Assert.Equal(HttpStatusCode.OK, (await emulator.GetAsync($"/emulator/replicate/v1/predictions/{token}")).StatusCode);

        // The old, unsigned form (hex of the fields) and a token with one field changed are refused, not decoded.
        var payload = token[..token.LastIndexOf('.')];
        var fields = System.Text.Encoding.UTF8.GetString(Convert.FromHexString(payload)).Split('|');
        fields[9] = "100000";
        var longer = Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(string.Join('|', fields)));
        foreach (var forged in new[] { payload, longer + token[token.LastIndexOf('.')..], "zz", "00.00", new string('a', 5000) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await emulator.GetAsync($"/emulator/replicate/v1/predictions/{forged}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await emulator.GetAsync($"/emulator/files/{forged}/out-0.mp4")).StatusCode);
        }
    }

    [Fact]
    public void Create_BoundsEveryField_AndDecodeChecksThemAgain()
    {
        var options = new EmulatorOptions();
        var job = EmulatedJob.Create("replicate", new string('m', 5000) + "|x", new EmulationDirective(FaultKinds.Ok, null), DateTimeOffset.UtcNow,
            video: true, "999999:1", "exe", 1_000_000, 1e30, options);
        Assert.Equal(EmulatedJob.MaxCount, job.Count);
        Assert.Equal(EmulatedJob.MaxSeconds, job.Seconds);
        Assert.Equal("1:1", job.Ratio);
        Assert.DoesNotContain('|', job.Model);
        Assert.True(EmulatedJob.TryDecode(job.Token, options, out var decoded));
        Assert.Equal((job.Model, job.Count, job.Seconds, job.Ratio, job.Format), (decoded.Model, decoded.Count, decoded.Seconds, decoded.Ratio, decoded.Format));
        Assert.False(EmulatedJob.TryDecode(job.Token, new EmulatorOptions(), out _)); // another key
        Assert.False(EmulatedJob.TryDecode(null, options, out _));
    }
}
