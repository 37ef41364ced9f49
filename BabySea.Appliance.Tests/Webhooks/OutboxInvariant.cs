using BabySea.Appliance.Accounts;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Tests.Support;
using BabySea.Appliance.Webhooks;

namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>DESIGN.md §3: every terminal transition has an outbox row per subscribed, enabled webhook endpoint.</summary>
public static class OutboxInvariant
{
    public static async Task CheckAsync(TestApp app)
    {
        var hooks = app.Service<IWebhookStore>();
        foreach (var account in await app.Service<IAccountStore>().ListAccountsAsync(CancellationToken.None))
        {
            var endpoints = (await hooks.ListEndpointsAsync(account.Id, CancellationToken.None)).Where(e => e.Enabled).ToArray();
            var deliveries = new Dictionary<string, IReadOnlyList<WebhookDelivery>>();
            foreach (var e in endpoints) deliveries[e.Id] = (await hooks.ListDeliveriesAsync(e.Id, int.MaxValue, 0, CancellationToken.None)).Items;
            var generations = (await app.Service<IGenerationStore>().ListAsync(account.Id, int.MaxValue, 0, CancellationToken.None)).Items;
            foreach (var g in generations.Where(g => g.Status.IsTerminal()))
            {
                var type = g.Status switch
                {
                    GenerationStatus.Succeeded => WebhookEvents.Completed,
                    GenerationStatus.Failed => WebhookEvents.Failed,
                    _ => WebhookEvents.Canceled,
                };
                foreach (var endpoint in endpoints.Where(e => e.Events.Contains(type) && e.CreatedAt <= g.CreatedAt))
                    Assert.Contains(deliveries[endpoint.Id], d => d.EventType == type && d.DataJson.Contains($"\"{g.Id}\"", StringComparison.Ordinal));
            }
        }
    }
}
