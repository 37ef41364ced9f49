using System.Net;
using BabySea.Appliance.Api.RateLimiting;
using BabySea.Appliance.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace BabySea.Appliance.Tests.Api;

public sealed class AuthFailureLimiterTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 5, TimeSpan.Zero));

    private AuthFailureLimiter Limiter(int limit, int clients)
        => new(_clock, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimits:AuthFailuresPerMinute"] = limit.ToString(),
            ["RateLimits:AuthFailureClients"] = clients.ToString(),
        }).Build());

    private static IPAddress Ip(int i) => new([203, 0, (byte)(i >> 8), (byte)i]);

    [Fact]
    public void Table_NeverHoldsMoreThanItsCapacity_UnderAFloodOfAddresses()
    {
        var limiter = Limiter(limit: 5, clients: 100);
        for (var i = 0; i < 20_000; i++) limiter.Failed(Ip(i));
        Assert.Equal(100, limiter.TrackedClients);
    }

    [Fact]
    public void ClientsWithoutRoom_ShareOneBudget_WhileTrackedClientsKeepTheirOwn()
    {
        var limiter = Limiter(limit: 3, clients: 3); // two tracked clients and the shared budget
        limiter.Failed(Ip(1));
        limiter.Failed(Ip(2));
        for (var i = 10; i < 13; i++) limiter.Failed(Ip(i)); // no room: three failures on the shared budget

        Assert.NotNull(limiter.Refusal(Ip(99)));  // a client without room is already out of tries this minute
        Assert.Null(limiter.Refusal(Ip(1)));
        Assert.Null(limiter.Refusal(Ip(2)));
        Assert.Equal(3, limiter.TrackedClients);
    }

    [Fact]
    public void NewMinute_StartsAnEmptyTable()
    {
        var limiter = Limiter(limit: 2, clients: 1000);
        for (var i = 0; i < 500; i++) { limiter.Failed(Ip(i)); limiter.Failed(Ip(i)); }
        var refusal = limiter.Refusal(Ip(7));
        Assert.NotNull(refusal);
        Assert.Equal("55", refusal!.Headers["Retry-After"]);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(limiter.Refusal(Ip(7)));
        limiter.Failed(Ip(7));
        Assert.Equal(1, limiter.TrackedClients);
    }

    [Fact]
    public void Ipv6_CountsPerSlash64_AndMappedIpv4AsIpv4()
    {
        var limiter = Limiter(limit: 2, clients: 1000);
        limiter.Failed(IPAddress.Parse("2001:db8:1:2::1"));
        limiter.Failed(IPAddress.Parse("2001:db8:1:2:ffff::9"));
        Assert.NotNull(limiter.Refusal(IPAddress.Parse("2001:db8:1:2::77")));
        Assert.Null(limiter.Refusal(IPAddress.Parse("2001:db8:1:3::1")));

        limiter.Failed(IPAddress.Parse("198.51.100.1"));
        limiter.Failed(IPAddress.Parse("::ffff:198.51.100.1"));
        Assert.NotNull(limiter.Refusal(IPAddress.Parse("198.51.100.1")));
    }

    [Theory]
    [InlineData(800, true)]
    [InlineData(801, false)]
    public async Task ConcurrentFailures_AreEachCountedOnce(int limit, bool refused)
    {
        var limiter = Limiter(limit, clients: 10);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 100; i++) limiter.Failed(Ip(1));
        })));
        Assert.Equal(refused, limiter.Refusal(Ip(1)) is not null);
    }
}
