using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Generations;

/// <summary>
/// Takes generation ids off the queue and runs each as its own task, up to <see cref="GenerationOptions.MaxConcurrent"/>.
/// A run that waits on a provider holds no thread. On start it re-queues every generation left non-terminal
/// by the last process. On stop it takes no new id and gives the runs it started <see cref="GenerationOptions.DrainTimeout"/>
/// to finish, then interrupts the rest, which resume at the next start, and waits for them to record where they are.
/// </summary>
public sealed class GenerationWorker(
    GenerationQueue queue,
    GenerationRunner runner,
    IGenerationStore store,
    RunningGenerations running,
    IOptions<GenerationOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<GenerationWorker> log) : BackgroundService
{
    private readonly List<Task> _tasks = [];

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

        var recovered = store.NonTerminal();
        if (recovered.Count > 0) log.LogInformation("Recovering {Count} unfinished generations", recovered.Count);
        foreach (var g in recovered) queue.Enqueue(g.Id);

        using var slots = new SemaphoreSlim(options.Value.MaxConcurrent);
        // Runs stop on this, not on stoppingToken, so that stopping first only closes the queue and the drain follows.
        using var interrupt = new CancellationTokenSource();
        using var drain = stoppingToken.Register(() => interrupt.CancelAfter(options.Value.DrainTimeout));
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
            log.LogInformation("Stopping: waiting up to {DrainTimeout} for {Count} generations in flight", options.Value.DrainTimeout, pending.Count(t => !t.IsCompleted));
        await Task.WhenAll(pending);
    }

    private async Task RunOneAsync(string id, SemaphoreSlim slots, CancellationToken stopping)
    {
        await Task.Yield();
        var cts = running.Start(id, stopping);
        try
        {
            if (cts is not null) await runner.RunAsync(id, cts.Token, stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Provider trouble never lands here (it is a failed attempt); this is storage or a bug. The generation stays
            // non-terminal, is retried on the next start or failed with a refund by the sweeper; nothing is lost or charged.
            log.LogError(ex, "Generation {GenerationId} stopped on an unexpected error", id);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (cts is not null) running.Finish(id);
            slots.Release();
        }
    }
}
