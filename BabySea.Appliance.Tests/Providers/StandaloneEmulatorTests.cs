using System.Net;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BabySea.Appliance.Tests.Providers;

public sealed class StandaloneEmulatorTests
{
    [Fact]
    public async Task Appliance_PointedAtAStandaloneEmulator_UsesIt()
    {
        var emulator = EmulatorHost.Build(["--urls", "http://127.0.0.1:0"]);
        await emulator.StartAsync();
        var origin = emulator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var app = await TestApp.StartAsync(null, 0, $"Providers:replicate:BaseUrl={origin}/emulator/replicate/v1");
        var id = await app.CreateGenerationAsync("remote", extraJson: "\"generation_provider_order\":\"replicate\"");
        var done = await app.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());

        await emulator.StopAsync();
        await emulator.DisposeAsync();
        var offline = await app.CreateGenerationAsync("remote, gone", extraJson: "\"generation_provider_order\":\"replicate\"");
        var failed = await app.WaitForTerminalAsync(offline);
        Assert.Equal(("failed", "BSE4001"), (failed.GetProperty("generation_status").GetString(), failed.GetProperty("generation_error_code").GetString()));
    }
}
