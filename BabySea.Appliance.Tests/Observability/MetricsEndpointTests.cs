using System.Net;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Observability;

public sealed class MetricsEndpointTests
{
    private const string Model = "bfl/flux-schnell";

    [Fact]
    public async Task Metrics_WithoutAdminToken_AnswersTheErrorEnvelope()
    {
        await using var app = await TestApp.StartAsync();
        using var anonymous = app.NewClient(apiKey: null);

        var missing = await TestApp.GetAsync(anonymous, "/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("BSE1001", missing.Body.GetProperty("error").GetProperty("code").GetString());

        // An account's API key is not the operator's token.
        var apiKey = await TestApp.GetAsync(app.Client, "/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, apiKey.Status);
        Assert.Equal("BSE1002", apiKey.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("babysea_", apiKey.Text);
    }

    [Fact]
    public async Task Metrics_AfterAGeneration_CountersMove()
    {
        await using var app = await TestApp.StartAsync();
        var before = await ScrapeAsync(app);

        var id = await app.CreateGenerationAsync("a lighthouse in fog");
        var done = await app.WaitForTerminalAsync(id);
        Assert.Equal("succeeded", done.GetProperty("generation_status").GetString());
        var provider = done.GetProperty("generation_provider_used").GetString()!;
        var cost = (double)done.GetProperty("generation_cost").GetDecimal();
        // The run counts its end just after the commit the status read saw.
        var after = await ScrapeUntilAsync(app, s => s.Value("babysea_generations_total") > before.Value("babysea_generations_total")
            && s.Value("babysea_generations_running") == 0);

        double Moved(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal(1, Moved("babysea_generations_admitted_total", ("model", Model), ("media_type", "image")));
        Assert.Equal(1, Moved("babysea_generations_total", ("model", Model), ("provider", provider), ("outcome", "succeeded")));
        Assert.Equal(1, Moved("babysea_http_requests_total", ("method", "POST"), ("route", "/v1/generate/image/{**model}"), ("status", "200")));
        Assert.Equal(1, Moved("babysea_provider_attempt_duration_seconds_count", ("provider", provider), ("outcome", "succeeded")));
        Assert.Equal(cost, Moved("babysea_ledger_credits_total", ("movement", "reserve")), 6);
        Assert.Equal(cost, Moved("babysea_ledger_credits_total", ("movement", "charge")), 6);
        Assert.True(Moved("babysea_storage_writer_batch_size_count") >= 3, "admission, start, attempt and success each commit");
        Assert.True(Moved("babysea_storage_writer_commit_duration_seconds_count") >= 3);
        Assert.Equal(0, after.Value("babysea_generation_queue_depth"));
        Assert.Equal(0, after.Value("babysea_generations_running", ("media_type", "image")));
        Assert.Equal(0, after.Value("babysea_provider_circuit_state", ("provider", provider)));
        Assert.Contains(after.Families["babysea_provider_circuit_state"].Samples, s => s.Labels["provider"] == "fal");
    }

    [Fact]
    public async Task Metrics_AProviderFails_CountsTheFailedAttemptAndTheFailover()
    {
        await using var app = await TestApp.StartAsync();
        var id = await app.CreateGenerationAsync("[[emulate replicate:server_error]] a kite over dunes", extraJson: "\"generation_provider_order\":\"replicate,fal\"");
        Assert.Equal("succeeded", (await app.WaitForTerminalAsync(id)).GetProperty("generation_status").GetString());

        var scraped = await ScrapeUntilAsync(app, s => s.Value("babysea_generations_total") == 1);

        Assert.Equal(1, scraped.Value("babysea_failovers_total", ("provider", "replicate")));
        Assert.Equal(1, scraped.Value("babysea_provider_attempt_duration_seconds_count", ("provider", "replicate"), ("outcome", "provider_error")));
        Assert.Equal(1, scraped.Value("babysea_provider_attempt_duration_seconds_count", ("provider", "fal"), ("outcome", "succeeded")));
        Assert.Equal(1, scraped.Value("babysea_generations_total", ("provider", "fal"), ("outcome", "succeeded")));
    }

    [Fact]
    public async Task Metrics_RawPathsAndUnknownMethods_DoNotBecomeLabels()
    {
        await using var app = await TestApp.StartAsync();
        await TestApp.GetAsync(app.Client, "/v1/content/gen_does_not_exist_1");
        await TestApp.GetAsync(app.Client, "/v1/content/gen_does_not_exist_2");
        using var odd = await app.Client.SendAsync(new HttpRequestMessage(new HttpMethod("BREW"), "/v1/status"));

        var scraped = await ScrapeAsync(app);

        Assert.Equal(2, scraped.Value("babysea_http_requests_total", ("route", "/v1/content/{generationId}"), ("status", "404")));
        Assert.Equal(1, scraped.Value("babysea_http_requests_total", ("method", "other")));
        Assert.DoesNotContain(scraped.Families["babysea_http_requests_total"].Samples, s => s.Labels["route"].Contains("gen_does_not_exist"));
    }

    private static async Task<Exposition> ScrapeUntilAsync(TestApp app, Func<Exposition, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var scraped = await ScrapeAsync(app);
            if (until(scraped) || DateTime.UtcNow > deadline) return scraped;
            await Task.Delay(50);
        }
    }

    private static async Task<Exposition> ScrapeAsync(TestApp app)
    {
        using var response = await app.Admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return Exposition.Parse(await response.Content.ReadAsStringAsync());
    }
}
