using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Tests.Webhooks;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Created = Hooks.T0;

    private static RetrySchedule CreateSut(double random) => new(new WebhookOptions(), () => random);

    [Fact]
    public void QuickAttempts_FollowTheReferenceDelays_0_1_4_16_60()
    {
        var sut = CreateSut(0.5);
        var now = Created;
        var times = new List<double> { 0 };
        for (var attempt = 1; attempt < 5; attempt++)
        {
            var (status, next) = sut.AfterFailure(attempt, Created, now);
            Assert.Equal(DeliveryStatus.Pending, status);
            now = next!.Value;
            times.Add((now - Created).TotalSeconds);
        }
        Assert.Equal([0, 1, 5, 21, 81], times);
    }

    [Fact]
    public void AfterTheFifthFailure_TheRetrierTakesOver_WithDoublingDelaysCappedAt6Hours()
    {
        var sut = CreateSut(0.5); // no jitter at the midpoint
        Assert.Equal((DeliveryStatus.Failed, Created.AddMinutes(5)), sut.AfterFailure(5, Created, Created));
        Assert.Equal([5, 10, 20, 40, 80, 160, 320, 360, 360], Enumerable.Range(1, 9).Select(r => sut.RetryDelay(r).TotalMinutes));
    }

    [Theory]
    [InlineData(0.0, 4.0)]
    [InlineData(0.999999, 6.0)]
    public void RetryDelay_HasPlusMinus20PercentJitter(double random, double minutes)
        => Assert.Equal(minutes, CreateSut(random).RetryDelay(1).TotalMinutes, 3);

    [Fact]
    public void ARetryThatWouldFallPast72Hours_ExhaustsTheDelivery()
    {
        var sut = CreateSut(0.5);
        Assert.Equal(DeliveryStatus.Failed, sut.AfterFailure(12, Created, Created.AddHours(65)).Status);
        Assert.Equal((DeliveryStatus.Exhausted, (DateTimeOffset?)null), sut.AfterFailure(12, Created, Created.AddHours(67)));
    }
}
