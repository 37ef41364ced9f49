using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Billing;

/// <summary>Concurrent creates against a balance, an in-flight cap and one idempotency key.</summary>
public sealed class AdmissionTests
{
    private const string Model = "bfl/flux-1.1-pro"; // 0.040 a generation: the 1.000 welcome credit covers exactly 25

    [Fact]
    public async Task SimultaneousCreates_AgainstABalanceForK_AcceptExactlyK()
    {
        await using var app = await TestApp.StartAsync();
        var results = await FireAsync(app, 40, i => $"race {i} [[emulate never_finish]]");
        Assert.Equal(25, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => r.AssertError(HttpStatusCode.PaymentRequired, "BSE1004"));
        Assert.Equal(0.000m, (await TestApp.GetAsync(app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task SimultaneousCreates_AgainstThePlanCap_AcceptExactlyTheCap_ThenFreeSlotsAgain()
    {
        await using var app = await TestApp.StartOnPlanAsync("free");
        var results = await FireAsync(app, 10, i => $"cap {i} [[emulate never_finish]]");
        var accepted = results.Where(r => r.Status == HttpStatusCode.OK).ToArray();
        Assert.Equal(2, accepted.Length);
        foreach (var refused in results.Where(r => r.Status != HttpStatusCode.OK))
        {
            refused.AssertError(HttpStatusCode.TooManyRequests, "BSE1009");
            Assert.True(refused.Error.GetProperty("retryable").GetBoolean());
            Assert.Equal(2, refused.Error.GetProperty("details").GetProperty("limit").GetInt32());
            Assert.Equal(2, refused.Error.GetProperty("details").GetProperty("in_flight").GetInt32());
        }
        // Video has its own cap (1 on Free): image slots being full does not block it.
        var video = await TestApp.PostRawAsync(app.Client, "/v1/generate/video/bytedance/seedance-1-pro-fast",
            "{\"generation_prompt\":\"v [[emulate never_finish]]\",\"generation_duration\":4,\"generation_resolution\":\"480p\"}");
        video.AssertOk();

        var first = accepted[0].Data.GetProperty("generation_id").GetString();
        (await TestApp.PostRawAsync(app.Client, $"/v1/content/generation/cancel/{first}", "")).AssertOk();
        (await Create(app, "after cancel [[emulate never_finish]]")).AssertOk();
        await Invariants.CheckAsync(app);
    }

    [Fact]
    public async Task SimultaneousCreates_WithOneIdempotencyKey_CreateExactlyOneGeneration()
    {
        await using var app = await TestApp.StartAsync();
        var results = await FireAsync(app, 12, _ => "same body", key: "order-7781");
        var ok = results.Where(r => r.Status == HttpStatusCode.OK).ToArray();
        Assert.NotEmpty(ok);
        Assert.Single(ok.Select(r => r.Data.GetProperty("generation_id").GetString()).Distinct());
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => r.AssertError(HttpStatusCode.Conflict, "BSE2016"));
        Assert.Equal(1, (await TestApp.GetAsync(app.Client, "/v1/content/list")).Body.GetProperty("total").GetInt32());
        Assert.Equal(0.960m, (await TestApp.GetAsync(app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
        await Invariants.CheckAsync(app);
    }

    private static async Task<ApiResponse[]> FireAsync(TestApp app, int n, Func<int, string> prompt, string? key = null)
    {
        using var gate = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, n).Select(async i =>
        {
            await gate.WaitAsync();
            return await Create(app, prompt(i), key);
        }).ToArray();
        gate.Release(n);
        return await Task.WhenAll(tasks);
    }

    private static async Task<ApiResponse> Create(TestApp app, string prompt, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/generate/image/{Model}")
        {
            Content = new StringContent(new JsonObject { ["generation_prompt"] = prompt }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await ApiResponse.ReadAsync(await app.Client.SendAsync(request));
    }
}
