using System.Net;
using BabySea.Appliance.Outbound;
using BabySea.Appliance.Tests.Webhooks;
using BabySea.Appliance.Webhooks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BabySea.Appliance.Tests.Outbound;

public sealed class OutboundPolicyTests
{
    private static OutboundPolicy CreateSut(IHostResolver? resolver = null, params string[] allowed) => new(allowed, resolver ?? new DnsHostResolver());

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fc00::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:93.184.216.34", false)]
    [InlineData("64:ff9b::a00:1", true)]
    [InlineData("2002:c0a8:0101::1", true)]
    [InlineData("2606:4700::6810:84e5", false)]
    public void IsInternal_CoversPrivateLoopbackLinkLocalAndEmbeddedForms(string address, bool expected)
        => Assert.Equal(expected, OutboundPolicy.IsInternal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]:8080/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://2130706433/hook")] // 127.0.0.1 as one number
    [InlineData("http://localhost:8080/hook")] // a host name that resolves to loopback
    public async Task CheckUrl_PrivateTargets_AreRefused(string url)
        => Assert.Contains("Webhooks:AllowedPrivateHosts", await CreateSut().CheckUrlAsync(url, CancellationToken.None));

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/hook")]
    [InlineData("")]
    public async Task CheckUrl_NotHttp_IsRefused(string url) => Assert.NotNull(await CreateSut().CheckUrlAsync(url, CancellationToken.None));

    [Fact]
    public async Task CheckUrl_ListedHostsAndAddresses_AreAllowed()
    {
        var sut = CreateSut(null, "127.0.0.1", "localhost", "fd00::1");
        Assert.Null(await sut.CheckUrlAsync("http://127.0.0.1:8080/hook", CancellationToken.None));
        Assert.Null(await sut.CheckUrlAsync("http://localhost:8080/hook", CancellationToken.None));
        Assert.Null(await sut.CheckUrlAsync("http://[fd00::1]/hook", CancellationToken.None));
        Assert.NotNull(await sut.CheckUrlAsync("http://10.0.0.5/hook", CancellationToken.None));
    }

    [Fact]
    public async Task CheckUrl_PublicName_IsAllowed()
        => Assert.Null(await CreateSut(new FakeResolver(["203.0.113.10"])).CheckUrlAsync("https://hooks.example.com/in", CancellationToken.None));

    [Fact]
    public async Task Delivery_ToANameThatRebindsToLoopback_IsRefusedAtConnect_AndNothingArrives()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = new Uri(receiver.BaseUrl).Port;
        // Public when the endpoint was checked, loopback when the delivery connects.
        var resolver = new FakeResolver(["203.0.113.10"], ["127.0.0.1"]);
        var policy = CreateSut(resolver);
        var url = $"http://rebind.example:{port}/hook";
        Assert.Null(await policy.CheckUrlAsync(url, CancellationToken.None));

        using var sender = new WebhookSender(policy, Options.Create(new WebhookOptions()), new FakeTimeProvider());
        var result = await sender.SendAsync(url, new WebhookMessage("{}"u8.ToArray(), []), CancellationToken.None);
        Assert.Null(result.StatusCode);
        Assert.StartsWith("Refused:", result.Error);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Delivery_ToAListedName_ConnectsToTheAddressItResolvesTo()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = new Uri(receiver.BaseUrl).Port;
        var policy = CreateSut(new FakeResolver(["127.0.0.1"]), "receiver.internal");
        using var sender = new WebhookSender(policy, Options.Create(new WebhookOptions()), new FakeTimeProvider());
        var result = await sender.SendAsync($"http://receiver.internal:{port}/hook", new WebhookMessage("{}"u8.ToArray(), []), CancellationToken.None);
        Assert.Equal(200, result.StatusCode);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Delivery_ARedirect_IsAFailure_AndNotFollowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => 302;
        using var sender = new WebhookSender(CreateSut(null, "127.0.0.1"), Options.Create(new WebhookOptions()), new FakeTimeProvider());
        var result = await sender.SendAsync(receiver.Url(), new WebhookMessage("{}"u8.ToArray(), []), CancellationToken.None);
        Assert.Equal(302, result.StatusCode);
        Assert.False(result.Succeeded);
        Assert.Single(receiver.Received);
    }

    /// <summary>Answers each lookup with the next list (the last one repeats).</summary>
    private sealed class FakeResolver(params string[][] answers) : IHostResolver
    {
        private int _calls;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
            => Task.FromResult(answers[Math.Min(_calls++, answers.Length - 1)].Select(IPAddress.Parse).ToArray());
    }
}
