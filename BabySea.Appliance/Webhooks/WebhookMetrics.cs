using System.Diagnostics.Metrics;

namespace BabySea.Appliance.Webhooks;

/// <summary>Webhook delivery attempts by what became of the delivery.</summary>
public sealed class WebhookMetrics
{
    private readonly Counter<long> _deliveries;

    public WebhookMetrics(IMeterFactory meters)
        => _deliveries = meters.Create("BabySea.Appliance.Webhooks").CreateCounter<long>("babysea.webhook.deliveries", "{attempt}",
            "Webhook delivery attempts by outcome: delivered (a 2xx), retrying (failed, another attempt is scheduled), exhausted (failed for the last time).");

    /// <param name="status">The delivery's state after the attempt was recorded (<see cref="DeliveryStatus"/>).</param>
    public void Attempted(bool succeeded, string status)
        => _deliveries.Add(1, new KeyValuePair<string, object?>("outcome",
            succeeded ? "delivered" : status == DeliveryStatus.Exhausted ? "exhausted" : "retrying"));
}
