using BabySea.Appliance.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace BabySea.Appliance.Tests.Hosting;

/// <summary>Links leaving the appliance (webhook output links) carry an address a receiver elsewhere can reach.</summary>
public sealed class PublicOriginTests
{
    [Fact]
    public void ConfiguredPublicBaseUrl_Wins()
    {
        var origin = new PublicOrigin(new ApplianceSettings("/tmp/x", "https://media.example.com/", TimeSpan.FromHours(1)));
        origin.Listening(["http://127.0.0.1:8787"], NullLogger.Instance);
        Assert.Equal("https://media.example.com", origin.Origin);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8787")]
    [InlineData("http://[::]:8787")]
    [InlineData("http://+:8787")]
    public void WildcardBind_BecomesAnAddressOfThisMachine_NotLoopback(string listening)
    {
        var origin = new PublicOrigin(new ApplianceSettings("/tmp/x", null, TimeSpan.FromHours(1)));
        origin.Listening([listening], NullLogger.Instance);
        var uri = new Uri(origin.Origin!);
        Assert.Equal(8787, uri.Port);
        Assert.DoesNotContain(uri.Host, new[] { "0.0.0.0", "[::]", "127.0.0.1", "+" });
    }

    [Fact]
    public void LoopbackBind_IsKept_ButSaidInTheLog()
    {
        var origin = new PublicOrigin(new ApplianceSettings("/tmp/x", null, TimeSpan.FromHours(1)));
        var log = new RecordingLogger();
        origin.Listening(["http://127.0.0.1:8787"], log);
        Assert.Equal("http://127.0.0.1:8787", origin.Origin);
        Assert.Contains(log.Messages, m => m.Contains("cannot reach", StringComparison.Ordinal));
    }

    [Fact]
    public void StorageDurability_IsOnByDefault_AndAMistypedValueStopsStart()
    {
        Assert.True(ApplianceSettings.From(Config()).Durable);
        Assert.False(ApplianceSettings.From(Config(("Storage:Durability", "false"))).Durable);
        var ex = Assert.Throws<InvalidOperationException>(() => ApplianceSettings.From(Config(("Storage:Durability", "sometimes"))));
        Assert.Contains("Storage:Durability", ex.Message);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private sealed class RecordingLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Messages { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) => Messages.Add(formatter(state, exception));
    }
}
