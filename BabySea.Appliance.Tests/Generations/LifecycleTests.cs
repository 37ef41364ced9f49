using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BabySea.Appliance.Billing;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Generations;

public sealed class LifecycleTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync()
    {
        await Invariants.CheckAsync(_app);
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("png", "16:9", "image/png")]
    [InlineData("jpg", "9:16", "image/jpeg")]
    public async Task Generate_Succeeds_StoresFileAndChargesOnce(string format, string ratio, string contentType)
    {
        var create = (await _app.GenerateAsync("bfl/flux-schnell", new JsonObject
        {
            ["generation_prompt"] = "a harbour seal on pack ice",
            ["generation_ratio"] = ratio,
            ["generation_output_format"] = format,
            ["generation_provider_order"] = "replicate",
        })).AssertOk();
        Assert.Equal("Generation initialized", create.Body.GetProperty("message").GetString());
        Assert.True(create.Data.GetProperty("generation_initialized").GetBoolean());
        Assert.Equal(["replicate"], create.Data.GetProperty("generation_provider_order").EnumerateArray().Select(e => e.GetString()));
        var id = create.Data.GetProperty("generation_id").GetString()!;

        var done = await _app.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.Equal("replicate", done.GetProperty("generation_provider_used").GetString());
        Assert.False(string.IsNullOrEmpty(done.GetProperty("generation_prediction_id").GetString()));
        Assert.Equal(0.003m, done.GetProperty("generation_cost").GetDecimal());

        var url = done.GetProperty("generation_output_file")[0].GetString()!;
        Assert.StartsWith(_app.BaseUrl + "/files/" + id + "/", url);
        using var anonymous = new HttpClient();
        var file = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(contentType, file.Content.Headers.ContentType!.MediaType);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        var (w, h) = ImageSize.Of(bytes);
        var parts = ratio.Split(':').Select(double.Parse).ToArray();
        Assert.InRange((double)w / h, parts[0] / parts[1] * 0.95, parts[0] / parts[1] * 1.05);

        var entries = (await _app.Service<ILedgerStore>().EntriesAsync(done.GetProperty("account_id").GetString()!, CancellationToken.None)).Where(e => e.GenerationId == id).ToArray();
        Assert.Equal([LedgerType.Reserve, LedgerType.Charge], entries.Select(e => e.Type));
        Assert.Equal(0.997m, (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
    }

    [Fact]
    public async Task OutputUrl_TamperedOrExpired_IsRefused()
    {
        var id = await _app.CreateGenerationAsync("signed links");
        var url = (await _app.WaitForTerminalAsync(id)).GetProperty("generation_output_file")[0].GetString()!;
        using var anonymous = new HttpClient();
        var tampered = url[..^4] + (url[^4] == 'a' ? "b" : "a") + url[^3..];
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(tampered)).StatusCode);
        var expired = System.Text.RegularExpressions.Regex.Replace(url, "expires=\\d+", "expires=1000");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(expired)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
    }

    [Theory]
    [InlineData("[[emulate server_error]]", "BSE4001")]
    [InlineData("[[emulate rate_limit]]", "BSE4004")]
    [InlineData("[[emulate moderation]]", "BSE4009")]
    [InlineData("[[emulate replicate:moderation_late]]", "BSE4009")]
    public async Task ProviderFailure_FailsGeneration_WithCode_AndRefunds(string directive, string code)
    {
        // Pinned to one provider: with several served, a general directive fails them all (BSE4003).
        var id = await _app.CreateGenerationAsync("a seal " + directive, extraJson: "\"generation_provider_order\":\"replicate\"");
        var done = await _app.WaitForTerminalAsync(id);
        Assert.Equal("failed", done.GetProperty("generation_status").GetString());
        Assert.Equal(code, done.GetProperty("generation_error_code").GetString());
        Assert.False(string.IsNullOrEmpty(done.GetProperty("generation_error").GetString()));
        Assert.Equal(JsonValueKind.Null, done.GetProperty("generation_output_file").ValueKind);
        var attempt = done.GetProperty("generation_attempts")[0];
        Assert.Equal(code, attempt.GetProperty("error_code").GetString());
        Assert.Equal(1.000m, (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
    }

    [Fact]
    public async Task Directive_ForAnotherProvider_IsIgnored()
    {
        var id = await _app.CreateGenerationAsync("a seal [[emulate fal:server_error]]");
        Assert.Equal("succeeded", (await _app.WaitForTerminalAsync(id)).GetProperty("generation_status").GetString());
    }

    [Fact]
    public async Task Latency_IsHonoured_AndStatusPassesThroughProcessing()
    {
        var id = await _app.CreateGenerationAsync("slow [[emulate latency:1500]]");
        var processing = await _app.WaitForAsync(id, s => s == "processing");
        Assert.NotEqual(JsonValueKind.Null, processing.GetProperty("generation_started_at").ValueKind);
        var done = await _app.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.True(done.GetProperty("generation_metrics_total_time").GetDouble() >= 1.4);
    }

    [Fact]
    public async Task Cancel_WhileProcessing_RefundsAndCancelsAtProvider_ThenTerminalCancelIs3002()
    {
        var id = await _app.CreateGenerationAsync("forever [[emulate never_finish]]");
        await _app.WaitForAsync(id, s => s == "processing");
        await WaitForPredictionAsync(id);
        var cancel = (await TestApp.PostRawAsync(_app.Client, $"/v1/content/generation/cancel/{id}", "")).AssertOk();
        Assert.Equal("canceled", cancel.Data.GetProperty("generation_status").GetString());
        Assert.True(cancel.Data.GetProperty("provider_cancel_sent").GetBoolean());
        Assert.True(cancel.Data.GetProperty("credits_refunded").GetBoolean());
        Assert.Equal("canceled", (await _app.WaitForTerminalAsync(id)).GetProperty("generation_status").GetString());
        Assert.Equal(1.000m, (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());

        (await TestApp.PostRawAsync(_app.Client, $"/v1/content/generation/cancel/{id}", "")).AssertError(HttpStatusCode.Conflict, "BSE3002");
    }

    [Fact]
    public async Task Delete_RemovesFiles_MarksRemoved_AndOldLinksAnswer410()
    {
        var id = await _app.CreateGenerationAsync("to delete");
        var url = (await _app.WaitForTerminalAsync(id)).GetProperty("generation_output_file")[0].GetString()!;
        var deleted = (await TestApp.DeleteAsync(_app.Client, $"/v1/content/{id}")).AssertOk();
        Assert.Equal(1, deleted.Data.GetProperty("files_deleted").GetInt32());
        Assert.False(Directory.Exists(Path.Combine(_app.DataDir, "artifacts", id)));
        var after = (await TestApp.GetAsync(_app.Client, $"/v1/content/{id}")).AssertOk();
        Assert.True(after.Data.GetProperty("generation_removed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, after.Data.GetProperty("generation_output_file").ValueKind);
        using var anonymous = new HttpClient();
        var gone = await ApiResponse.ReadAsync(await anonymous.GetAsync(url));
        gone.AssertError(HttpStatusCode.Gone, "BSE3003");
    }

    [Fact]
    public async Task Delete_WhileRunning_IsRefusedWith3002()
    {
        var id = await _app.CreateGenerationAsync("busy [[emulate never_finish]]");
        (await TestApp.DeleteAsync(_app.Client, $"/v1/content/{id}")).AssertError(HttpStatusCode.Conflict, "BSE3002");
        (await TestApp.PostRawAsync(_app.Client, $"/v1/content/generation/cancel/{id}", "")).AssertOk();
    }

    [Fact]
    public async Task AnotherAccountsGeneration_AnswersExactlyLikeAnUnknownId()
    {
        var id = await _app.CreateGenerationAsync("mine");
        await _app.WaitForTerminalAsync(id);
        var account = (await TestApp.PostAsync(_app.Admin, "/admin/v1/accounts", new JsonObject { ["name"] = "Other" })).AssertOk();
        var key = (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account.Data.GetProperty("account_id").GetString()}/keys",
            new JsonObject { ["preset"] = "full_access" })).AssertOk().Data.GetProperty("api_key").GetString();
        var other = _app.NewClient(key);
        var unknown = Guid.NewGuid().ToString();

        foreach (var probe in new[] { id, unknown })
        {
            var get = (await TestApp.GetAsync(other, $"/v1/content/{probe}")).AssertError(HttpStatusCode.NotFound, "BSE3001");
            Assert.Equal($"Generation '{probe}' was not found.", get.Error.GetProperty("message").GetString());
            (await TestApp.PostRawAsync(other, $"/v1/content/generation/cancel/{probe}", "")).AssertError(HttpStatusCode.NotFound, "BSE3001");
            (await TestApp.DeleteAsync(other, $"/v1/content/{probe}")).AssertError(HttpStatusCode.NotFound, "BSE3001");
        }
        Assert.Equal(0, (await TestApp.GetAsync(other, "/v1/content/list")).AssertOk().Body.GetProperty("total").GetInt32());
        Assert.Equal("succeeded", (await _app.WaitForTerminalAsync(id)).GetProperty("generation_status").GetString());
    }

    [Fact]
    public async Task List_IsNewestFirst_WithTotalLimitOffset()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await _app.CreateGenerationAsync($"list {i}"));
        foreach (var id in ids) await _app.WaitForTerminalAsync(id);
        var page = (await TestApp.GetAsync(_app.Client, "/v1/content/list?limit=2&offset=0")).AssertOk();
        Assert.Equal((3, 2, 0), (page.Body.GetProperty("total").GetInt32(), page.Body.GetProperty("limit").GetInt32(), page.Body.GetProperty("offset").GetInt32()));
        Assert.Equal([ids[2], ids[1]], page.Data.GetProperty("generations").EnumerateArray().Select(g => g.GetProperty("generation_id").GetString()));
        var rest = (await TestApp.GetAsync(_app.Client, "/v1/content/list?limit=2&offset=2")).AssertOk();
        Assert.Equal([ids[0]], rest.Data.GetProperty("generations").EnumerateArray().Select(g => g.GetProperty("generation_id").GetString()));
        (await TestApp.GetAsync(_app.Client, "/v1/content/list?limit=101")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "limit");
        (await TestApp.GetAsync(_app.Client, "/v1/content/list?offset=-1")).AssertError(HttpStatusCode.BadRequest, "BSE2001", "offset");
    }

    [Fact]
    public async Task InsufficientCredits_IsBse1004_AndReservesNothing()
    {
        // 5 s of veo-2 at 0.5 a second is more than the 1.000 welcome credit.
        var r = await TestApp.PostRawAsync(_app.Client, "/v1/generate/video/google/veo-2", "{\"generation_prompt\":\"waves\",\"generation_duration\":5}");
        r.AssertError(HttpStatusCode.PaymentRequired, "BSE1004");
        Assert.Equal(0, (await TestApp.GetAsync(_app.Client, "/v1/content/list")).Body.GetProperty("total").GetInt32());
        Assert.Equal(1.000m, (await TestApp.GetAsync(_app.Client, "/v1/user/billing")).Data.GetProperty("billing_credit_balance").GetDecimal());
    }

    [Fact]
    public async Task Video_Generation_ProducesPlayableMp4()
    {
        var account = (await TestApp.GetAsync(_app.Client, "/v1/status")).Data.GetProperty("account_id").GetString();
        (await TestApp.PostAsync(_app.Admin, $"/admin/v1/accounts/{account}/credits", new JsonObject { ["amount"] = 5 })).AssertOk();
        var r = (await TestApp.PostRawAsync(_app.Client, "/v1/generate/video/bytedance/seedance-1-pro",
            "{\"generation_prompt\":\"surf\",\"generation_duration\":5,\"generation_resolution\":\"480p\",\"generation_ratio\":\"16:9\"}")).AssertOk();
        var done = await _app.WaitForTerminalAsync(r.Data.GetProperty("generation_id").GetString()!);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        Assert.Equal(5, done.GetProperty("generation_duration").GetDouble());
        Assert.Equal("480p", done.GetProperty("generation_resolution").GetString());
        using var anonymous = new HttpClient();
        var file = await anonymous.GetAsync(done.GetProperty("generation_output_file")[0].GetString());
        Assert.Equal("video/mp4", file.Content.Headers.ContentType!.MediaType);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(bytes, 4, 4));
    }

    private async Task WaitForPredictionAsync(string id)
    {
        for (var i = 0; i < 200; i++)
        {
            var g = (await TestApp.GetAsync(_app.Client, $"/v1/content/{id}")).Data;
            if (g.GetProperty("generation_prediction_id").ValueKind == JsonValueKind.String) return;
            await Task.Delay(25);
        }
        Assert.Fail("The provider never accepted the job.");
    }
}
