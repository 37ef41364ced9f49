using System.Diagnostics;
using System.Net;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Storage.LiteDb;
using BabySea.Appliance.Tests.Support;

namespace BabySea.Appliance.Tests.Hosting;

public sealed class ProbeTests
{
    [Fact]
    public async Task Probes_AnswerWithoutKey_InPlainText_RevealingNothing()
    {
        await using var app = await TestApp.StartAsync();
        using var anonymous = app.NewClient(apiKey: null);
        foreach (var path in new[] { "/livez", "/readyz", "/healthz" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        }
        using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using var live = await anonymous.GetAsync("/livez");
        Assert.True(live.Headers.CacheControl?.NoStore, "a cached answer would hide an outage");
    }

    [Fact]
    public async Task Readyz_WriterDisposed_Answers503_WhileLivezStays200()
    {
        await using var app = await TestApp.StartAsync();
        using var anonymous = app.NewClient(apiKey: null);
        app.Service<WriteQueue>().Dispose();

        var watch = Stopwatch.StartNew();
        using var ready = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.True(watch.Elapsed < Readiness.Timeout, $"a refused write is known at once, took {watch.Elapsed}");
        AssertRevealsNothing(await ready.Content.ReadAsStringAsync(), app);

        using var live = await anonymous.GetAsync("/livez");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("ok", await live.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_StuckWriter_Answers503WithinTheTimeout_ThenReadyOnceItMoves()
    {
        await using var app = await TestApp.StartAsync();
        using var anonymous = app.NewClient(apiKey: null);
        using var release = new ManualResetEventSlim();
        var stuck = app.Service<WriteQueue>().RunAsync(_ => release.Wait(TimeSpan.FromSeconds(30)));
        try
        {
            var watch = Stopwatch.StartNew();
            // Concurrent probes share one pending write rather than piling more behind the stuck one.
            var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => anonymous.GetAsync("/readyz")));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
            Assert.InRange(watch.Elapsed, Readiness.Timeout - TimeSpan.FromMilliseconds(100), Readiness.Timeout + TimeSpan.FromSeconds(2));
            AssertRevealsNothing(await answers[0].Content.ReadAsStringAsync(), app);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/livez")).StatusCode);
        }
        finally
        {
            release.Set();
        }
        await stuck;
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Readyz_QueueFull_Answers503()
    {
        // One run holds the only slot, the worker holds the next id, and the third waits in a queue of one: full.
        await using var app = await TestApp.StartAsync(null, 0, "Generations:QueueCapacity=1", "Generations:MaxConcurrent=1");
        // (A create that finds the queue already full is refused, which is fine: the queue is full either way.)
        for (var i = 0; i < 3; i++)
            await TestApp.PostRawAsync(app.Client, "/v1/generate/image/bfl/flux-schnell", $"{{\"generation_prompt\":\"hold {i} [[emulate never_finish]]\"}}");
        using var anonymous = app.NewClient(apiKey: null);
        using var ready = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        AssertRevealsNothing(await ready.Content.ReadAsStringAsync(), app);
    }

    // Not the JSON error envelope (it carries a request id and a message), not a reason, path or count: one short word.
    private static void AssertRevealsNothing(string body, TestApp app)
    {
        Assert.Equal("not ready", body);
        Assert.DoesNotContain(app.DataDir, body);
    }
}
