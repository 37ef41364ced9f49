using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// Webhook endpoint rows as the writer's transactions read and change them. Staging an event reads its account's
/// endpoints; one group commit stages many events of one account, so the list is read once per transaction. Every
/// endpoint write goes through here and drops the lists read before it, so staging never fans out to an endpoint as it
/// was before a write in the same transaction.
/// </summary>
internal static class EndpointRows
{
    public static WebhookEndpoint[] OfAccount(LiteStore s, string accountId)
    {
        if (s.TransactionEndpoints.TryGetValue(accountId, out var seen)) return seen;
        var endpoints = s.Collection(Schema.WebhookEndpoints).Find(BsonExpression.Create("account_id = @0", accountId)).Select(WebhookDocuments.EndpointFrom).ToArray();
        s.TransactionEndpoints[accountId] = endpoints;
        return endpoints;
    }

    public static void Insert(LiteStore s, BsonDocument endpoint)
    {
        s.Collection(Schema.WebhookEndpoints).Insert(endpoint);
        DeliveryCounts.Start(s, endpoint["_id"].AsString);
        s.TransactionEndpoints.Clear();
    }

    public static void Update(LiteStore s, BsonDocument endpoint)
    {
        s.Collection(Schema.WebhookEndpoints).Update(endpoint);
        s.TransactionEndpoints.Clear();
    }

    public static void Delete(LiteStore s, string endpointId)
    {
        s.Collection(Schema.WebhookEndpoints).Delete(endpointId);
        DeliveryCounts.Forget(s, endpointId);
        s.TransactionEndpoints.Clear();
    }
}
