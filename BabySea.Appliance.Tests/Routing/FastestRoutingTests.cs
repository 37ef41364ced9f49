using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Routing;

public sealed class FastestRoutingTests
{
    [Fact]
    public async Task AfterAWarmUpWhereRunwayIsSlower_NewGenerationsGoToReplicateFirst()
    {
        await using var app = await TestApp.StartAsync(null, 0, "Emulator:ImageLatencyMs=50", "Emulator:ImageLongEdge=128",
            "Routing:MinPollInterval=00:00:00.020", "Routing:MaxPollInterval=00:00:00.100");
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 100 })).AssertOk();
        const string model = "runway/gen4-image-turbo";

        // With nothing measured, fastest keeps the catalog order.
        var cold = (await TestApp.PostRawAsync(app.Client, $"/v1/generate/image/{model}", "{\"generation_prompt\":\"cold\"}")).AssertOk();
        Assert.Equal(["runway", "replicate"], cold.Data.GetProperty("generation_provider_order").EnumerateArray().Select(e => e.GetString()));
        await app.WaitForTerminalAsync(cold.Data.GetProperty("generation_id").GetString()!);

        for (var i = 0; i < 4; i++)
            foreach (var order in new[] { "runway", "replicate" })
            {
                var prompt = order == "runway" ? "warm [[emulate runway:latency:1500]]" : "warm";
                var r = (await TestApp.PostRawAsync(app.Client, $"/v1/generate/image/{model}",
                    $"{{\"generation_prompt\":\"{prompt}\",\"generation_provider_order\":\"{order}\"}}")).AssertOk();
                await app.WaitForTerminalAsync(r.Data.GetProperty("generation_id").GetString()!);
            }

        var warm = (await TestApp.PostRawAsync(app.Client, $"/v1/generate/image/{model}", "{\"generation_prompt\":\"warm\"}")).AssertOk();
        Assert.Equal(["replicate", "runway"], warm.Data.GetProperty("generation_provider_order").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("replicate", (await app.WaitForTerminalAsync(warm.Data.GetProperty("generation_id").GetString()!)).GetProperty("generation_provider_used").GetString());

        var health = (await TestApp.GetAsync(app.Client, "/v1/health/inference/models")).AssertOk();
        var row = health.Data.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model_identifier").GetString() == model);
        Assert.Equal(["replicate", "runway"], row.GetProperty("fastest_ranking").EnumerateArray().Select(e => e.GetString()));
        Assert.True(row.GetProperty("providers").GetProperty("runway").GetProperty("p95_seconds").GetDouble()
                    > row.GetProperty("providers").GetProperty("replicate").GetProperty("p95_seconds").GetDouble());
    }
}
