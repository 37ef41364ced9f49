using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Providers.Emulator.Media;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.EndToEnd;

/// <summary>End to end against the published Native AOT binary on a fresh data folder.</summary>
[Collection("native")]
public sealed class NativeBinaryTests : IDisposable
{
    private readonly string _dataDir = TestApp.NewDataDir();

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Binary_GeneratesDecodableImage_CancelsAnother_AndBillsExactly()
    {
        await using var app = await NativeBinary.StartAsync(_dataDir, TestApp.FreePort());
        (await TestApp.GetAsync(app.Client, "/v1/status")).AssertOk();
        (await TestApp.GetAsync(app.Client, "/v1/library/models")).AssertOk();
        (await TestApp.GetAsync(app.Client, "/v1/library/providers")).AssertOk();
        (await TestApp.GetAsync(app.Client, "/v1/estimate/bfl/flux-schnell?count=2")).AssertOk();
        (await TestApp.GetAsync(app.Client, "/v1/health/inference/models")).AssertOk();
        (await TestApp.GetAsync(app.Client, "/v1/no-such-route")).AssertError(HttpStatusCode.NotFound, "BSE3004");
        (await TestApp.PostRawAsync(app.Client, "/v1/generate/image/bfl/flux-schnell", "{\"generation_prompt\": 1}"))
            .AssertError(HttpStatusCode.BadRequest, "BSE2001", "generation_prompt");

        var id = (await TestApp.PostRawAsync(app.Client, "/v1/generate/image/bfl/flux-schnell",
            "{\"generation_prompt\":\"a lighthouse at dawn\",\"generation_ratio\":\"3:2\",\"generation_output_format\":\"png\"}")).AssertOk()
            .Data.GetProperty("generation_id").GetString()!;
        var done = await WaitAsync(app, id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        using var anonymous = new HttpClient();
        var png = await anonymous.GetByteArrayAsync(done.GetProperty("generation_output_file")[0].GetString());
        var image = PngTestDecoder.Decode(png, out _);
        Assert.InRange((double)image.Width / image.Height, 1.45, 1.55);

        var slow = (await TestApp.PostRawAsync(app.Client, "/v1/generate/image/bfl/flux-schnell",
            "{\"generation_prompt\":\"x [[emulate never_finish]]\"}")).AssertOk().Data.GetProperty("generation_id").GetString()!;
        await Task.Delay(300);
        var cancel = (await TestApp.PostRawAsync(app.Client, $"/v1/content/generation/cancel/{slow}", "")).AssertOk();
        Assert.True(cancel.Data.GetProperty("credits_refunded").GetBoolean());

        var billing = (await TestApp.GetAsync(app.Client, "/v1/user/billing")).AssertOk();
        Assert.Equal(0.997m, billing.Data.GetProperty("billing_credit_balance").GetDecimal());
        await AssertLedgerAddsUpAsync(app);
    }

    [Fact]
    public async Task Binary_KilledMidFlight_LosesNoGenerationAndNoMoney()
    {
        var port = TestApp.FreePort();
        var ids = new List<string>();
        var first = await NativeBinary.StartAsync(_dataDir, port);
        for (var i = 0; i < 6; i++)
            ids.Add((await TestApp.PostRawAsync(first.Client, "/v1/generate/image/bfl/flux-schnell",
                $"{{\"generation_prompt\":\"crash {i} [[emulate latency:{800 + i * 150}]]\"}}")).AssertOk().Data.GetProperty("generation_id").GetString()!);
        await Task.Delay(300);
        first.Kill();
        await first.DisposeAsync();

        await using var second = await NativeBinary.StartAsync(_dataDir, port);
        foreach (var id in ids) Assert.Equal("succeeded", (await WaitAsync(second, id)).GetProperty("generation_status").GetString());
        Assert.Equal(1.000m - 6 * 0.003m, (await TestApp.GetAsync(second.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
        await AssertLedgerAddsUpAsync(second);
    }

    [Fact]
    public async Task Binary_SecondInstanceOnTheSameDataFolder_RefusesToStart()
    {
        await using var app = await NativeBinary.StartAsync(_dataDir, TestApp.FreePort());
        using var second = NativeBinary.StartProcess(_dataDir, TestApp.FreePort());
        var stderr = await second.StandardError.ReadToEndAsync();
        await second.WaitForExitAsync();
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("in use by another BabySea Appliance process", stderr);
    }

    private static async Task<JsonElement> WaitAsync(NativeBinary app, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var g = (await TestApp.GetAsync(app.Client, $"/v1/content/{id}")).AssertOk().Data;
            if (g.GetProperty("generation_status").GetString() is "succeeded" or "failed" or "canceled") return g;
            Assert.True(DateTime.UtcNow < deadline, $"{id} did not finish: {g}\n{app.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>DESIGN §3 through the admin API: balance = sum of deltas; one reserve and one charge or refund each.</summary>
    private static async Task AssertLedgerAddsUpAsync(NativeBinary app)
    {
        var account = (await TestApp.GetAsync(app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        var ledger = (await TestApp.GetAsync(app.Admin, $"/admin/v1/accounts/{account}/ledger")).AssertOk().Data;
        var entries = ledger.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(ledger.GetProperty("credit_balance").GetDecimal(), entries.Sum(e => e.GetProperty("delta").GetDecimal()));
        var list = (await TestApp.GetAsync(app.Client, "/v1/content/list?limit=100")).AssertOk().Data.GetProperty("generations").EnumerateArray();
        foreach (var g in list)
        {
            var id = g.GetProperty("generation_id").GetString();
            var types = entries.Where(e => e.GetProperty("generation_id").GetString() == id).Select(e => e.GetProperty("type").GetString()).ToArray();
            var expected = g.GetProperty("generation_status").GetString() switch
            {
                "succeeded" => new[] { "reserve", "charge" },
                "failed" or "canceled" => ["reserve", "refund"],
                _ => ["reserve"],
            };
            Assert.Equal(expected, types);
        }
    }
}
