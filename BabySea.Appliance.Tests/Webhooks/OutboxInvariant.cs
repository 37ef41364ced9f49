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
        foreach (var account in app.Service<IAccountStore>().ListAccounts())
        {
            var endpoints = hooks.ListEndpoints(account.Id).Where(e => e.Enabled).ToArray();
            var deliveries = endpoints.ToDictionary(e => e.Id, e => hooks.ListDeliveries(e.Id, int.MaxValue, 0).Items);
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
