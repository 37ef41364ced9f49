using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>Appends to an account's audit feed, inside the transaction of the change it records.</summary>
internal static class ActivityRows
{
    public static void Add(LiteStore s, string accountId, string category, string action, string description, DateTimeOffset at)
        => s.Collection(Schema.Activity).Insert(new BsonDocument
        {
            ["account_id"] = accountId,
            ["category"] = category,
            ["action"] = action,
            ["description"] = description,
            ["at"] = Bson.Time(at),
        });
}
