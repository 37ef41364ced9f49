using BabySea.Appliance.Hosting;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Hosting;

/// <summary>A mistyped or out-of-range setting stops start-up with a message naming it, before anything is opened.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Routing:SubmitTimeot=00:00:10", "SubmitTimeot")]
    [InlineData("Routing:ExplorationRate=1.5", "Routing:ExplorationRate")]
    [InlineData("Routing:CircuitBreakDuration=00:00:00.100", "Routing:CircuitBreakDuration")]
    [InlineData("Routing:MinPollInterval=00:00:05", "Routing:MinPollInterval")]
    [InlineData("Routing:Providers:fal:SubmitTimeout=-00:00:01", "Routing:Providers:fal:SubmitTimeout")]
    [InlineData("Generations:QueueCapacity=0", "Generations:QueueCapacity")]
    [InlineData("Generations:MaxConcurent=5", "MaxConcurent")]
    [InlineData("Emulator:ImageLongEdge=8", "Emulator:ImageLongEdge")]
    [InlineData("Emulator:Faults:fal:rate_limt=0.1", "rate_limt")]
    [InlineData("Emulator:Faults:all:server_error=2", "Emulator:Faults:all:server_error")]
    public void MistypedOrOutOfRange_StopsStart_NamingTheSetting(string setting, string named)
    {
        var dataDir = TestApp.NewDataDir();
        var ex = Assert.Throws<InvalidOperationException>(() => AppHost.Build([$"--BABYSEA_DATA_DIR={dataDir}", "--" + setting], TextWriter.Null));
        Assert.Contains(named, ex.Message);
        Assert.False(File.Exists(Path.Combine(dataDir, "babysea.db")), "nothing is opened before the settings are checked");
    }
}
