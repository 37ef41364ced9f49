using System.Text.Json.Nodes;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>Where an event goes and what an attempt does to its delivery and endpoint.</summary>
public sealed class DeliveryRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static WebhookEndpoint Endpoint(string id, bool enabled, params string[] events)
        => new(id, "a", "https://hooks.example.com/" + id, events, enabled, "whsec", Now, Now, 0, null, null);

    private static AttemptRecord Failed(int? status, int autoDisableAfter = 15)
        => new(new WebhookAttempt("t", "d", "e", 1, Now, status, status is null ? "connection refused" : null, 5, false),
            DeliveryStatus.Pending, Now.AddSeconds(5), status == 410, autoDisableAfter);

    [Fact]
    public void FanOut_ReachesTheAccountsSubscribedEndpoints_InAStableOrder_HeldWhileDisabled()
    {
        var e = new WebhookEvent(WebhookEvents.Completed, "a", new JsonObject());
        var endpoints = new[]
        {
            Endpoint("z", true, WebhookEvents.Completed), Endpoint("b", false, WebhookEvents.Completed),
            Endpoint("c", true, WebhookEvents.Failed), Endpoint("a2", true, WebhookEvents.Completed) with { AccountId = "other" },
        };
        Assert.Equal(["b", "z"], DeliveryRules.FanOut(e, endpoints).Select(ep => ep.Id));
        Assert.Equal(DeliveryStatus.Held, DeliveryRules.InitialStatus(endpointEnabled: false));
        Assert.Equal(DeliveryStatus.Pending, DeliveryRules.InitialStatus(endpointEnabled: true));
    }

    [Fact]
    public void AFailedAttempt_Reschedules_AndCounts_ButOnlyGoneOrTheLimitDisables()
    {
        var refused = DeliveryRules.AfterAttempt(Failed(null), DeliveryStatus.Pending, Now, endpointFailures: 0, endpointEnabled: true);
        Assert.Equal((DeliveryStatus.Pending, Now.AddSeconds(5), 1, (string?)null), (refused.Status, refused.NextAttemptAt, refused.Failures, refused.DisableReason));

        Assert.NotNull(DeliveryRules.AfterAttempt(Failed(500), DeliveryStatus.Pending, Now, 14, true).DisableReason);
        Assert.Null(DeliveryRules.AfterAttempt(Failed(500), DeliveryStatus.Pending, Now, 13, true).DisableReason);
        Assert.NotNull(DeliveryRules.AfterAttempt(Failed(410), DeliveryStatus.Pending, Now, 0, true).DisableReason);
        Assert.Null(DeliveryRules.AfterAttempt(Failed(410), DeliveryStatus.Pending, Now, 0, endpointEnabled: false).DisableReason);

        // Held (or canceled) while the attempt was in flight: it stays so.
        var held = DeliveryRules.AfterAttempt(Failed(500), DeliveryStatus.Held, null, 0, true);
        Assert.Equal((DeliveryStatus.Held, (DateTimeOffset?)null), (held.Status, held.NextAttemptAt));
    }

    [Fact]
    public void ASuccess_DeliversWhateverHappenedMeanwhile_AndResetsTheEndpointsFailures()
    {
        var ok = new AttemptRecord(new WebhookAttempt("t", "d", "e", 3, Now, 200, null, 5, true), DeliveryStatus.Failed, null, false, 15);
        var effect = DeliveryRules.AfterAttempt(ok, DeliveryStatus.Held, Now, 9, true);
        Assert.Equal((DeliveryStatus.Delivered, (DateTimeOffset?)null, 0, (string?)null), (effect.Status, effect.NextAttemptAt, effect.Failures, effect.DisableReason));
    }

    [Fact]
    public void ReleasingAHeldDelivery_ExpiresItPastTheHoldWindow()
    {
        Assert.Equal(DeliveryStatus.Expired, DeliveryRules.OnEnable(Now.AddDays(-4), holdCutoff: Now.AddDays(-3)));
        Assert.Equal(DeliveryStatus.Released, DeliveryRules.OnEnable(Now.AddDays(-2), holdCutoff: Now.AddDays(-3)));
    }
}
