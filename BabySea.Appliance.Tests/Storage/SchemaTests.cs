using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Tests.Support;
using BabySea.Appliance.Webhooks;
using LiteDB;

namespace BabySea.Appliance.Tests.Storage;

[Trait("Engine", "LiteDb")]
public sealed class SchemaTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public void DeliveryQueriesByStatus_WalkTheQueueIndex_EvenWhereAnOlderDatabaseKeptOtherIndexes()
    {
        using var store = LiteStore.Open(_dataDir);
        Assert.DoesNotContain(store.Db.GetCollection("$indexes").FindAll(), i => Schema.IsRetired(i["collection"].AsString, i["name"].AsString));
        var deliveries = store.Collection(Schema.WebhookDeliveries);
        deliveries.EnsureIndex("endpoint_id"); // as an earlier version made them
        deliveries.EnsureIndex("status");
        var plan = deliveries.Query().Where(OutboxRows.QueueRange(DeliveryStatus.Held)).GetPlan();
        Assert.Equal("queue", plan["index"]["name"].AsString);
    }

    [Fact]
    public void ACopy_LeavesTheRetiredIndexesOfAnOlderDatabaseBehind()
    {
        using (var old = LiteStore.Open(_dataDir))
        {
            old.Collection(Schema.WebhookDeliveries).EnsureIndex("status"); // as an earlier version made it
            old.Collection(Schema.WebhookDeliveries).Insert(new BsonDocument { ["_id"] = "d1", ["status"] = "held" });
            Assert.Contains(old.Db.GetCollection("$indexes").FindAll(), i => i["name"].AsString == "status");

            var copy = Path.Combine(_dataDir, "copy");
            LiteBackup.CopyTo(old, copy, Path.Combine(_dataDir, "artifacts"));
            using var copied = new LiteDatabase(new ConnectionString { Filename = Path.Combine(copy, "babysea.db"), Connection = ConnectionType.Direct });
            var indexes = copied.GetCollection("$indexes").FindAll().Where(i => i["collection"].AsString == Schema.WebhookDeliveries).Select(i => i["name"].AsString).ToArray();
            Assert.DoesNotContain("status", indexes);
            Assert.Contains("queue", indexes);
            Assert.Equal(1, copied.GetCollection(Schema.WebhookDeliveries).Count());
        }
    }

    [Fact]
    public void AccountRowsWrittenBeforeTheyKeptTheirLedgerTip_GetItOnceOnOpen()
    {
        string newest;
        using (var store = LiteStore.Open(_dataDir))
        {
            var accounts = store.Collection(Schema.Accounts);
            accounts.Insert(new BsonDocument { ["_id"] = "a1", ["name"] = "One", ["plan"] = "free", ["balance"] = 0m });
            accounts.Insert(new BsonDocument { ["_id"] = "a2", ["name"] = "Two", ["plan"] = "free", ["balance"] = 0m });
            var start = DateTimeOffset.UnixEpoch.AddYears(50);
            newest = Enumerable.Range(0, 3).Select(i => LedgerRows.Apply(store, new(
                "a1", BabySea.Appliance.Billing.LedgerType.Add, 1m, null, "Credits"), start.AddMinutes(i))).Last().Id;
            var a1 = accounts.FindById("a1");
            a1.Remove(LedgerRows.TipField); // as an earlier version wrote it
            accounts.Update(a1);
            store.Db.UserVersion = 0;
        }
        using (var reopened = LiteStore.Open(_dataDir))
        {
            var accounts = reopened.Collection(Schema.Accounts);
            Assert.Equal(newest, accounts.FindById("a1")[LedgerRows.TipField].AsString);
            Assert.True(accounts.FindById("a2")[LedgerRows.TipField].IsNull); // no entry, and not looked up again
            Assert.True(accounts.FindById("a2").ContainsKey(LedgerRows.TipField));
            Assert.Equal(Schema.Backfilled, reopened.Db.UserVersion);
            var a2 = accounts.FindById("a2");
            a2.Remove(LedgerRows.TipField);
            accounts.Update(a2);
        }
        // Once backfilled, a start reads no account to look for rows without a tip: the one removed above stays without.
        using (var again = LiteStore.Open(_dataDir))
            Assert.False(again.Collection(Schema.Accounts).FindById("a2").ContainsKey(LedgerRows.TipField));
    }

    [Fact]
    public void EndpointsWrittenBeforeDeliveryCounts_GetTheirCountOnceOnOpen_AndARecountComparesThem()
    {
        using (var store = LiteStore.Open(_dataDir))
        {
            store.Collection(Schema.WebhookEndpoints).Insert(new BsonDocument { ["_id"] = "e1", ["account_id"] = "a1" }); // as an earlier version wrote it
            store.Collection(Schema.WebhookEndpoints).Insert(new BsonDocument { ["_id"] = "e2", ["account_id"] = "a1" });
            for (var seq = 1; seq <= 3; seq++)
                store.Collection(Schema.WebhookDeliveries).Insert(new BsonDocument
                {
                    ["_id"] = $"d{seq}", ["seq"] = (long)seq, ["endpoint_id"] = "e1", ["account_id"] = "a1", ["status"] = "delivered", ["created_at"] = DateTime.UtcNow,
                });
            store.Collection(Schema.DeliveryCounts).DeleteAll();
            store.Db.UserVersion = 0;
        }
        using var reopened = LiteStore.Open(_dataDir);
        Assert.Equal((3, 0), (DeliveryCounts.Of(reopened, "e1"), DeliveryCounts.Of(reopened, "e2")));
        Assert.Equal(2, reopened.Collection(Schema.DeliveryCounts).Count());
        Assert.Empty(DeliveryCounts.Mismatches(reopened, "a1"));
        reopened.Collection(Schema.DeliveryCounts).Update(new BsonDocument { ["_id"] = "e2", ["n"] = 1L }); // what verify --recount is there to catch
        Assert.Equal("endpoint e2: 1 deliveries counted but 0 on record", Assert.Single(DeliveryCounts.Mismatches(reopened, "a1")));
    }
}
