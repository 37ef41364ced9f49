using BabySea.Appliance.Routing;

namespace BabySea.Appliance.Tests.Routing;

public sealed class ProviderCircuitsTests
{
    [Fact]
    public async Task RepeatedProviderFailures_OpenTheCircuit_AndTheProviderIsSkipped()
    {
        var circuits = new ProviderCircuits(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new RoutingOptions()));
        for (var i = 0; i < 5; i++)
            Assert.Equal("failed", await circuits.RunAsync("bfl", _ => Task.FromResult(("failed", true)), CancellationToken.None));
        Assert.Equal("open", circuits.State("bfl"));
        var ran = false;
        Assert.Null(await circuits.RunAsync("bfl", _ => { ran = true; return Task.FromResult(("ok", false)); }, CancellationToken.None));
        Assert.False(ran);
        Assert.Equal("closed", circuits.State("fal"));
    }

    [Fact]
    public async Task CallerFaults_DoNotOpenTheCircuit()
    {
        var circuits = new ProviderCircuits(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new RoutingOptions()));
        for (var i = 0; i < 10; i++) await circuits.RunAsync("bfl", _ => Task.FromResult(("refused", false)), CancellationToken.None);
        Assert.Equal("closed", circuits.State("bfl"));
    }
}
