using BabySea.Appliance.Routing;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Tests.Routing;

public sealed class FastestRankingTests
{
    private static (RoutingStats Stats, FastestRanking Ranking) Create(double exploration = 0)
    {
        var options = Options.Create(new RoutingOptions { ExplorationRate = exploration });
        var stats = new RoutingStats(TimeProvider.System, options);
        return (stats, new FastestRanking(stats, options));
    }

    [Fact]
    public void Rank_WithoutMeasurements_KeepsCatalogOrder()
        => Assert.Equal(["bfl", "replicate", "fal"], Create().Ranking.Rank("m", ["bfl", "replicate", "fal"]));

    [Fact]
    public void Rank_ConsistentlySlowerProvider_GoesBehindTheFasterOne()
    {
        var (stats, ranking) = Create();
        for (var i = 0; i < 10; i++)
        {
            stats.Record("m", "bfl", true, false, TimeSpan.FromSeconds(9));
            stats.Record("m", "replicate", true, false, TimeSpan.FromSeconds(2));
        }
        Assert.Equal(["replicate", "bfl", "fal"], ranking.Rank("m", ["bfl", "replicate", "fal"]));
        Assert.Equal(["bfl", "replicate"], ranking.Rank("other-model", ["bfl", "replicate"]));
    }

    [Fact]
    public void Rank_FailingProvider_LosesToASlowButReliableOne()
    {
        var (stats, ranking) = Create();
        for (var i = 0; i < 10; i++)
        {
            stats.Record("m", "fast", i % 2 == 0, i % 2 == 1, TimeSpan.FromSeconds(1));
            stats.Record("m", "steady", true, false, TimeSpan.FromSeconds(6));
        }
        Assert.Equal(["steady", "fast"], ranking.Rank("m", ["fast", "steady"]));
    }

    [Fact]
    public void Rank_Exploring_PutsTheLeastSampledProviderFirst()
    {
        var (stats, ranking) = Create(exploration: 1);
        for (var i = 0; i < 10; i++) stats.Record("m", "replicate", true, false, TimeSpan.FromSeconds(1));
        Assert.Equal("fal", ranking.Rank("m", ["replicate", "fal"])[0]);
        Assert.Equal("replicate", ranking.Rank("m", ["replicate", "fal"], explore: false)[0]);
    }

    [Fact]
    public void Stats_KeepOnlyTheRankingWindow()
    {
        var options = Options.Create(new RoutingOptions { RankingWindow = 5 });
        var stats = new RoutingStats(TimeProvider.System, options);
        for (var i = 0; i < 20; i++) stats.Record("m", "p", false, false, TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++) stats.Record("m", "p", true, false, TimeSpan.FromSeconds(1));
        var s = stats.ForModel("m", "p");
        Assert.Equal((5, 1.0), (s.Samples, s.SuccessRate));
    }
}
