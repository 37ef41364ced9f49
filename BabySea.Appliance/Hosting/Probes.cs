using BabySea.Appliance.Generations;
using BabySea.Appliance.Storage;

namespace BabySea.Appliance.Hosting;

/// <summary>
/// Unauthenticated probes for load balancers and service managers. They answer a short plain-text word and nothing
/// else (no version, count, path or reason): anyone who can reach the port can call them. Why a check failed goes
/// to the log instead.
/// </summary>
public static class Probes
{
    public static void MapProbes(this WebApplication app)
    {
        var readiness = new Readiness(app.Services.GetRequiredService<IStorageProbe>(), app.Services.GetRequiredService<GenerationQueue>(),
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BabySea.Readiness"));
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        // Liveness touches nothing: a process that can answer HTTP is alive, even with its storage broken, so a
        // service manager restarts it only when it is really stuck.
        app.MapMethods("/livez", methods, (HttpContext http) => Plain(http, StatusCodes.Status200OK, "ok"));
        app.MapMethods("/readyz", methods, async (HttpContext http) =>
        {
            var ready = await readiness.CheckAsync();
            return Plain(http, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, ready ? "ok" : "not ready");
        });
    }

    private static IResult Plain(HttpContext http, int status, string body)
    {
        // A cached "ok" would hide an outage from whoever asks next.
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(body, "text/plain; charset=utf-8", statusCode: status);
    }
}

/// <summary>
/// Whether the appliance can take work now: a tiny write commits through the single writer (so the writer thread
/// runs and the database and its disk accept writes), the artifact folder takes a file, and the generation queue
/// has room. The check gives up after <see cref="Timeout"/>, so a stuck writer or disk makes the probe answer 503
/// rather than hang; while one check is still waiting on the writer, later probes wait on that same one instead of
/// queueing more writes behind a stuck writer.
/// </summary>
public sealed class Readiness(IStorageProbe storage, GenerationQueue queue, ILogger log)
{
    /// <summary>Longer than a healthy group commit with fsync under load, shorter than a load balancer's usual probe timeout.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private Task? _storageCheck;
    private bool _wasReady = true;

    public async Task<bool> CheckAsync()
    {
        string? reason = queue.HasRoom ? null : "the generation queue is full";
        if (reason is null)
        {
            try
            {
                await StorageCheck().WaitAsync(Timeout);
            }
            catch (TimeoutException)
            {
                reason = $"storage did not answer within {Timeout.TotalSeconds:0.#} s";
            }
            catch (Exception ex)
            {
                reason = $"storage refused a write: {ex.Message}";
            }
        }
        Report(reason);
        return reason is null;
    }

    private Task StorageCheck()
    {
        lock (_gate)
        {
            if (_storageCheck is null || _storageCheck.IsCompleted) _storageCheck = storage.CheckAsync(CancellationToken.None);
            return _storageCheck;
        }
    }

    // Logged on a change only: a load balancer probing every few seconds must not flood the log.
    private void Report(string? reason)
    {
        lock (_gate)
        {
            var ready = reason is null;
            if (ready == _wasReady) return;
            _wasReady = ready;
        }
        if (reason is null) log.LogInformation("Ready again");
        else log.LogWarning("Not ready: {Reason}", reason);
    }
}
