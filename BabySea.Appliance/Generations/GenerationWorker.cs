using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Takes generation ids off the queue and runs each as its own task, up to <see cref="GenerationOptions.MaxConcurrent"/>.
/// A run that waits on a provider holds no thread. Work is claimed, not assumed: a run starts only once it holds the
/// generation's lease, renewed while it runs, so no two workers ever run one generation. On start it takes up what is
/// unclaimed (its own leases from before a crash included); every third of a lease it renews its leases and takes up
/// generations whose lease ran out, or at once when another node sharing the database says it gave leases back
/// (<see cref="IReleasedWorkSignal"/>). On stop it takes no new id and gives the runs it started
/// <see cref="GenerationOptions.DrainTimeout"/> to finish, then interrupts the rest, which give their leases back and
/// resume at the next start.
/// </summary>
public sealed class GenerationWorker(
    GenerationQueue queue,
    GenerationRunner runner,
    IGenerationStore store,
    RunningGenerations running,
    IReleasedWorkSignal released,
    IOptions<GenerationOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<GenerationWorker> log) : BackgroundService
{
    private readonly List<Task> _tasks = [];
    private GenerationOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Emulated providers answer on this process's own port, known only once the server has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }

        var recovered = await store.UnclaimedAsync(time.GetUtcNow(), Options.WorkerId, stoppingToken);
        if (recovered.Count > 0) log.LogInformation("Recovering {Count} unfinished generations", recovered.Count);
        foreach (var g in recovered) queue.Enqueue(g.Id);
        var leases = KeepLeasesAsync(stoppingToken);

        using var slots = new SemaphoreSlim(Options.MaxConcurrent);
        // Runs stop on this, not on stoppingToken, so that stopping first only closes the queue and the drain follows.
        using var interrupt = new CancellationTokenSource();
        using var drain = stoppingToken.Register(() => interrupt.CancelAfter(Options.DrainTimeout));
        try
        {
            await foreach (var id in queue.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                lock (_tasks)
                {
                    _tasks.RemoveAll(t => t.IsCompleted);
                    _tasks.Add(RunOneAsync(id, slots, interrupt.Token));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        Task[] pending;
        lock (_tasks) pending = [.. _tasks];
        if (pending.Any(t => !t.IsCompleted))
            log.LogInformation("Stopping: waiting up to {DrainTimeout} for {Count} generations in flight", Options.DrainTimeout, pending.Count(t => !t.IsCompleted));
        await Task.WhenAll(pending);
        await leases;
    }

    /// <summary>Renews the leases of the runs in flight and takes up generations nobody holds, every third of a lease.</summary>
    private async Task KeepLeasesAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Options.LeaseDuration / 3, time);
        Task<bool>? ticked = null;
        Task? told = null;
        try
        {
            while (true)
            {
                ticked ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                told ??= released.WaitAsync(stoppingToken);
                var woken = await Task.WhenAny(ticked, told);
                await woken; // surfaces the cancellation at shutdown
                if (woken == ticked) ticked = null;
                else told = null;
                try
                {
                    var now = time.GetUtcNow();
                    await store.RenewAsync(Options.WorkerId, running.Ids, now + Options.LeaseDuration, stoppingToken);
                    foreach (var g in await store.UnclaimedAsync(now, null, stoppingToken))
                        if (!running.IsRunning(g.Id)) queue.Enqueue(g.Id);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Renewing generation leases failed; retrying at the next tick");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunOneAsync(string id, SemaphoreSlim slots, CancellationToken stopping)
    {
        await Task.Yield();
        var cts = running.Start(id, stopping);
        var release = true;
        try
        {
            if (cts is null) return; // already running here
            Attempt? opening = null;
            if (await store.ClaimAsync(id, Options.WorkerId, time.GetUtcNow() + Options.LeaseDuration, g => opening = runner.Opening(g),
                    CancellationToken.None) is not { } claimed)
            {
                release = false; // finished, or another worker holds it
                return;
            }
            release = !await runner.RunAsync(claimed, opening, cts.Token, stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Provider trouble never lands here (it is a failed attempt); this is storage or a bug. The generation stays
            // non-terminal with its lease, which runs out: then it is taken up again, or failed with a refund by the
            // sweeper once past its deadline. Nothing is lost or charged.
            release = false;
            log.LogError(ex, "Generation {GenerationId} stopped on an unexpected error", id);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (cts is not null)
            {
                if (release) await ReleaseAsync(id);
                running.Finish(id);
            }
            slots.Release();
        }
    }

    // A run that ended without a terminal state (interrupted by a stop) gives its lease back so the next start, here or
    // on another worker, resumes it at once. A terminal change already dropped the lease.
    private async Task ReleaseAsync(string id)
    {
        try
        {
            await store.ReleaseAsync(id, Options.WorkerId, CancellationToken.None);
            await released.NotifyAsync(CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            // The writer closed first: the lease simply runs out.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage refused: the lease runs out by itself, and whoever takes the generation up then resumes it.
            log.LogWarning(ex, "The lease of generation {GenerationId} could not be given back; it runs out by itself", id);
        }
    }
}
