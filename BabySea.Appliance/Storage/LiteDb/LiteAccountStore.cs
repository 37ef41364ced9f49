using BabySea.Appliance.Accounts;
using BabySea.Appliance.Billing;
using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

public sealed class LiteAccountStore(LiteStore store, WriteQueue writer, TimeProvider time) : IAccountStore
{
    public Task<Account> CreateAccountAsync(string name, string plan, decimal initialCredit, string creditDescription, CancellationToken ct)
        => writer.RunAsync(s =>
        {
            var now = time.GetUtcNow();
            var account = new Account(Guid.CreateVersion7().ToString(), name, plan, 0m, now, now);
            s.Collection(Schema.Accounts).Insert(ToDocument(account));
            if (initialCredit > 0) LedgerRows.Apply(s, new LedgerMovement(account.Id, LedgerType.Add, initialCredit, null, creditDescription), now);
            return FromDocument(s.Collection(Schema.Accounts).ById(account.Id)!);
        });

    public Task<Account?> FindAccountAsync(string accountId, CancellationToken ct)
        => Task.FromResult<Account?>(store.Collection(Schema.Accounts).ById(accountId) is { } d ? FromDocument(d) : null);

    public Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken ct)
        => Task.FromResult<IReadOnlyList<Account>>(store.Collection(Schema.Accounts).FindAll().Select(FromDocument).OrderBy(a => a.CreatedAt).ToArray());

    public Task<bool> AnyAccountAsync(CancellationToken ct) => Task.FromResult(store.Collection(Schema.Accounts).Count() > 0);

    public Task<Account?> SetPlanAsync(string accountId, string plan, CancellationToken ct)
        => writer.RunAsync(s =>
        {
            if (AccountRows.Find(s, accountId) is not { } d) return null;
            var now = time.GetUtcNow();
            var before = d["plan"].AsString;
            d["plan"] = plan;
            d["updated_at"] = Bson.Time(now);
            AccountRows.Update(s, d);
            if (before != plan) ActivityRows.Add(s, accountId, "subscription", "plan_changed", $"Plan changed from {before} to {plan}", now);
            return FromDocument(d);
        });

    public Task<LowBalanceAlerts.Settings?> SetAlertsAsync(string accountId, bool enabled, IReadOnlyList<decimal>? thresholds, CancellationToken ct)
        => writer.RunAsync(s =>
        {
            if (AccountRows.Find(s, accountId) is not { } d) return null;
            d["alerts_enabled"] = enabled;
            d["alert_thresholds"] = thresholds is null ? BsonValue.Null : new BsonArray(thresholds.Select(t => new BsonValue(t)));
            var settings = LedgerRows.AlertSettings(d);
            var balance = d["balance"].AsDecimal;
            d["alerts_fired"] = new BsonArray(settings.Thresholds.Where(t => balance < t).Select(t => new BsonValue(t)));
            AccountRows.Update(s, d);
            ActivityRows.Add(s, accountId, "notification", "alerts_updated", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Low-balance alerts {(enabled ? "on" : "off")} at {string.Join(", ", settings.Thresholds.Select(t => t.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}"),
                time.GetUtcNow());
            return settings;
        });

    public Task<(LowBalanceAlerts.Settings Settings, IReadOnlyList<decimal> Fired)?> AlertsAsync(string accountId, CancellationToken ct)
        => Task.FromResult<(LowBalanceAlerts.Settings Settings, IReadOnlyList<decimal> Fired)?>(store.Collection(Schema.Accounts).ById(accountId) is { } d
            ? (LedgerRows.AlertSettings(d), d["alerts_fired"].IsArray ? d["alerts_fired"].AsArray.Select(v => v.AsDecimal).ToArray() : [])
            : null);

    public Task<IReadOnlyList<ActivityEntry>> ActivityAsync(string accountId, CancellationToken ct)
        => Task.FromResult<IReadOnlyList<ActivityEntry>>(store.Collection(Schema.Activity).Query().Where("account_id = @0", accountId).OrderBy("_id").ToEnumerable()
            .Select(d => new ActivityEntry(d["category"].AsString, d["action"].AsString, d["description"].AsString, d.Time("at"))).ToArray());

    public Task InsertKeyAsync(ApiKey key, CancellationToken ct)
        => writer.RunAsync<bool>(s =>
        {
            s.Collection(Schema.ApiKeys).Insert(ToDocument(key));
            ActivityRows.Add(s, key.AccountId, "api_key", "created", $"Key '{key.Name}' ({key.Prefix}) created with {string.Join(" ", key.Scopes)}", key.CreatedAt);
            return true;
        });

    public Task<ApiKey?> FindKeyByHashAsync(string hash, CancellationToken ct)
        => Task.FromResult<ApiKey?>(store.Collection(Schema.ApiKeys).FindOne("hash = @0", hash) is { } d ? KeyFromDocument(d) : null);

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string accountId, CancellationToken ct)
        => Task.FromResult<IReadOnlyList<ApiKey>>(store.Collection(Schema.ApiKeys).Find(BsonExpression.Create("account_id = @0", accountId)).Select(KeyFromDocument).OrderBy(k => k.CreatedAt).ToArray());

    public Task<ApiKey?> RevokeKeyAsync(string keyId, CancellationToken ct)
        => writer.RunAsync(s =>
        {
            var keys = s.Collection(Schema.ApiKeys);
            if (keys.ById(keyId) is not { } d) return null;
            var wasRevoked = d["revoked"].AsBoolean;
            d["revoked"] = true;
            keys.Update(d);
            var key = KeyFromDocument(d);
            if (!wasRevoked) ActivityRows.Add(s, key.AccountId, "api_key", "revoked", $"Key '{key.Name}' ({key.Prefix}) revoked", time.GetUtcNow());
            return key;
        });

    public Task TouchKeyAsync(string keyId, DateTimeOffset usedAt, CancellationToken ct)
        => writer.RunAsync(s =>
        {
            var keys = s.Collection(Schema.ApiKeys);
            if (keys.ById(keyId) is not { } d) return false;
            d["last_used_at"] = Bson.Time(usedAt);
            return keys.Update(d);
        });

    private static BsonDocument ToDocument(Account a) => new()
    {
        ["_id"] = a.Id,
        ["name"] = a.Name,
        ["plan"] = a.Plan,
        ["balance"] = a.Balance,
        ["created_at"] = Bson.Time(a.CreatedAt),
        ["updated_at"] = Bson.Time(a.UpdatedAt),
    };

    internal static Account FromDocument(BsonDocument d) => new(
        d["_id"].AsString, d["name"].AsString, d["plan"].AsString, d["balance"].AsDecimal, d.Time("created_at"), d.Time("updated_at"));

    private static BsonDocument ToDocument(ApiKey k) => new()
    {
        ["_id"] = k.Id,
        ["account_id"] = k.AccountId,
        ["name"] = k.Name,
        ["prefix"] = k.Prefix,
        ["hash"] = k.Hash,
        ["scopes"] = Bson.Strings(k.Scopes),
        ["revoked"] = k.Revoked,
        ["expires_at"] = Bson.Time(k.ExpiresAt),
        ["ip_allowlist"] = Bson.Strings(k.IpAllowlist),
        ["created_at"] = Bson.Time(k.CreatedAt),
        ["last_used_at"] = Bson.Time(k.LastUsedAt),
    };

    internal static ApiKey KeyFromDocument(BsonDocument d) => new(
        d["_id"].AsString, d["account_id"].AsString, d["name"].AsString, d["prefix"].AsString, d["hash"].AsString,
        d.StringArray("scopes"), d["revoked"].AsBoolean, d.OptTime("expires_at"), d.StringArray("ip_allowlist"),
        d.Time("created_at"), d.OptTime("last_used_at"));
}
