using BabySea.Appliance.Generations;
using BabySea.Appliance.Storage;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Generations;

/// <summary>
/// The generations list at deep offsets, where a page starts from rollup counts rather than a walk of every newer record:
/// each page is exactly that slice of the newest-first order, across day, hour and month boundaries, and after retention
/// has removed old records (whose buckets still count them) while keeping one that is still running.
/// </summary>
public sealed class ListPagesTests
{
    [Fact]
    public async Task DeepPages_AreExactSlicesOfTheNewestFirstOrder_BeforeAndAfterASweep()
    {
        // Starter keeps generation records for 7 days: of 45 days of history the sweep removes all but the last week.
        await using var app = await TestApp.StartOnPlanAsync("starter");
        await app.Service<IHistorySeeder>().SeedAsync(1, 8_000, 0, 45, "starter", _ => { }, CancellationToken.None);
        var account = (await TestApp.GetAsync(app.Admin, "/admin/v1/accounts")).Data.GetProperty("accounts").EnumerateArray()
            .Single(a => a.GetProperty("account_name").GetString() == "Seeded 1").GetProperty("account_id").GetString()!;
        var store = app.Service<IGenerationStore>();
        // Twelve days old and still running (another worker holds it), so the sweep keeps it below its cutoff, where the
        // day's bucket still counts the records the sweep removed around it.
        var running = await RunningSinceAsync(store, account, DateTimeOffset.UtcNow.AddDays(-12));

        async Task AssertPagesMatchAsync(params int[] offsets)
        {
            var all = (await store.ListAsync(account, int.MaxValue, 0, CancellationToken.None)).Items.Select(g => g.Id).ToArray();
            Assert.True(all.SequenceEqual(all.OrderByDescending(id => id, StringComparer.Ordinal)), "the full list is newest first");
            foreach (var offset in offsets.Concat([999, 1_000, 1_001, 1_234, all.Length - 100, all.Length - 1, all.Length, all.Length + 7]).Where(o => o >= 0))
            {
                var page = await store.ListAsync(account, 100, offset, CancellationToken.None);
                Assert.Equal(all.Length, page.Total);
                Assert.Equal(all.Skip(offset).Take(100), page.Items.Select(g => g.Id));
            }
        }

        await AssertPagesMatchAsync(2_500, 5_678, 7_950);
        var swept = (await TestApp.PostRawAsync(app.Admin, "/admin/v1/retention/sweep", "")).AssertOk().Data;
        Assert.True(swept.GetProperty("generations").GetInt32() > 5_000, swept.ToString());
        var left = (await store.ListAsync(account, int.MaxValue, 0, CancellationToken.None)).Items;
        Assert.True(left.Count > 1_100, "enough records remain for a deep page");
        Assert.Equal(running, left[^1].Id);
        await AssertPagesMatchAsync();
    }

    private static async Task<string> RunningSinceAsync(IGenerationStore store, string accountId, DateTimeOffset createdAt)
    {
        var generation = TestGenerations.Pending(accountId, "held elsewhere", createdAt: createdAt);
        Assert.IsType<CreateOutcome.Created>(await store.CreateAsync(generation, 10, null, CancellationToken.None));
        Assert.NotNull(await store.ClaimAsync(generation.Id, "another-worker", DateTimeOffset.UtcNow.AddDays(30), null, CancellationToken.None));
        return generation.Id;
    }
}
