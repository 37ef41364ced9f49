using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>Small conversions for hand-written mapping. LiteDB keeps DateTime to the millisecond, in UTC here.</summary>
internal static class Bson
{
    public static BsonValue Time(DateTimeOffset t) => new(t.UtcDateTime);
    public static BsonValue Time(DateTimeOffset? t) => t is { } v ? Time(v) : BsonValue.Null;
    public static BsonValue Str(string? s) => s is null ? BsonValue.Null : new BsonValue(s);
    public static BsonArray Strings(IEnumerable<string> items) => new(items.Select(i => new BsonValue(i)));

    public static DateTimeOffset Time(this BsonDocument d, string key) => new(DateTime.SpecifyKind(d[key].AsDateTime.ToUniversalTime(), DateTimeKind.Utc));
    public static DateTimeOffset? OptTime(this BsonDocument d, string key) => d[key].IsNull ? null : d.Time(key);
    public static string? OptString(this BsonDocument d, string key) => d[key].IsNull ? null : d[key].AsString;
    public static string[] StringArray(this BsonDocument d, string key) => d[key].IsArray ? d[key].AsArray.Select(v => v.AsString).ToArray() : [];
}
