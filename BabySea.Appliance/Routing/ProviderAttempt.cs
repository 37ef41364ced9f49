using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Routing.Catalog;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Routing;

/// <summary>
/// One attempt on one provider: submit (or resume a job by its stored id), poll, fetch the outputs, each under its
/// deadline and the generation's budget. The attempt is recorded before its submit is sent, so a restart resumes a
/// job by its stored id and never sends the same submit twice. Whatever an adapter throws is a failure of the
/// attempt, never of the run; a provider job this attempt gives up on is cancelled where the provider can cancel,
/// and counted as wasted.
/// </summary>
public sealed class ProviderAttempt(IGenerationStore store, IOptions<RoutingOptions> options, TimeProvider time, ILogger<ProviderAttempt> log)
{
    private RoutingOptions Options => options.Value;

    /// <param name="recorded">The attempt was recorded as submitting for this run already (with the claim), not by an earlier process.</param>
    /// <param name="scope">What may stop the attempt: its owner or shutdown (the job is kept), the budget (the job is given up).</param>
    public async Task<AttemptResult> RunAsync(Generation generation, IProviderAdapter adapter, ProviderBinding binding, Attempt attempt, bool recorded,
        AttemptScope scope)
    {
        var deadlines = Options.For(adapter.Id, generation.MediaType);
        ProviderJob job;
        if (attempt.Outcome == AttemptOutcome.Running && attempt.JobId is { } jobId)
        {
            job = new ProviderJob(adapter.Id, jobId, attempt.PollUrl, attempt.CancelUrl);
            log.LogInformation("Resuming {Provider} job {JobId} for {GenerationId}", adapter.Id, jobId, generation.Id);
        }
        else if (!recorded && attempt.Outcome == AttemptOutcome.Submitting && generation.Attempts.Contains(attempt))
        {
            // A submit was in flight when the appliance stopped: the provider may hold a job we cannot find.
            // Sending it again could pay twice, so this provider is given up and the chain moves on.
            return await FinishFailedAsync(generation, attempt,
                new ProviderFailure(FailureKind.ServerError, "Interrupted while submitting; not resent."), wasted: true, AttemptOutcome.Abandoned);
        }
        else
        {
            if (!recorded && !await SaveAsync(generation, attempt)) return new AttemptResult.Stopped();
            var request = new ProviderRequest(generation.Id, generation.MediaType, binding.Model, NativeParameters.Map(binding, generation.Request), generation.Request);
            // An owner's cancel does not cut a submit short: once the provider answers, the job it made is known and
            // can be cancelled (below). Only shutdown and the deadlines interrupt it.
            var submitted = await WithDeadline(deadlines.Submit, t => adapter.SubmitAsync(request, t), scope with { Stop = scope.Shutdown },
                d => $"{adapter.Id} did not accept the job within {d.TotalSeconds:0.#} s.", f => new SubmitOutcome.Failed(f));
            switch (submitted)
            {
                case null:
                    return new AttemptResult.Stopped();
                case SubmitOutcome.Failed f:
                    return await FinishFailedAsync(generation, attempt, f.Failure, wasted: false);
                case SubmitOutcome.Completed c:
                    return await FetchAsync(generation, adapter, attempt, c.Outputs, c.PredictSeconds, deadlines.Download, scope);
                case SubmitOutcome.Accepted a:
                    job = a.Job;
                    attempt = attempt with { Outcome = AttemptOutcome.Running, JobId = job.JobId, PollUrl = job.PollUrl, CancelUrl = job.CancelUrl };
                    // Recorded even while stopping, so a restart resumes the job instead of giving it up.
                    if (!await SaveAsync(generation, attempt))
                    {
                        // Canceled by its owner while the submit was on its way: the new job is stopped at once.
                        await CancelQuietlyAsync(adapter, job, generation.Id);
                        return new AttemptResult.Stopped();
                    }
                    if (scope.Stop.IsCancellationRequested) return new AttemptResult.Stopped();
                    break;
                default:
                    throw new InvalidOperationException($"Unknown submit outcome {submitted.GetType().Name}.");
            }
        }

        var remaining = attempt.SubmittedAt + deadlines.Result - time.GetUtcNow();
        var polled = await WithDeadline(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), t => PollUntilDoneAsync(adapter, job, t), scope,
            _ => $"{adapter.Id} did not finish within {deadlines.Result.TotalSeconds:0.#} s.", f => new PollOutcome.Failed(f));
        switch (polled)
        {
            case null:
                // Stopping or canceled by its owner: the job stays on record. A restart resumes it, and an owner's
                // cancel already asked the provider to stop it.
                return new AttemptResult.Stopped();
            case PollOutcome.Succeeded s:
                return await FetchAsync(generation, adapter, attempt, s.Outputs, s.PredictSeconds, deadlines.Download, scope);
            case PollOutcome.Failed { Failure.Kind: FailureKind.Timeout } f:
                // Abandoned (its deadline or the generation's budget passed): cancel it so it stops costing money.
                await CancelQuietlyAsync(adapter, job, generation.Id);
                return await FinishFailedAsync(generation, attempt, f.Failure, wasted: true, AttemptOutcome.Abandoned);
            case PollOutcome.Failed f:
                return await FinishFailedAsync(generation, attempt, f.Failure, wasted: false);
            default:
                return new AttemptResult.Stopped();
        }
    }

    /// <summary>Gives up a job a restart would have resumed (its provider is skipped now): cancelled and counted as waste.</summary>
    public async Task AbandonAsync(Generation generation, IProviderAdapter adapter, Attempt attempt, string reason)
    {
        if (attempt.JobId is { } jobId) await CancelQuietlyAsync(adapter, new ProviderJob(adapter.Id, jobId, attempt.PollUrl, attempt.CancelUrl), generation.Id);
        await FinishFailedAsync(generation, attempt, new ProviderFailure(FailureKind.ServerError, reason), wasted: true, AttemptOutcome.Abandoned);
    }

    /// <summary>Closes an attempt recorded for this run that was never sent (its provider was skipped after all): failed, not wasted.</summary>
    public Task NotSentAsync(Generation generation, Attempt attempt, string reason)
        => FinishFailedAsync(generation, attempt, new ProviderFailure(FailureKind.ServerError, reason), wasted: false);

    private async Task<PollOutcome> PollUntilDoneAsync(IProviderAdapter adapter, ProviderJob job, CancellationToken ct)
    {
        if (adapter is not IPollingAdapter polling)
            return new PollOutcome.Failed(new ProviderFailure(FailureKind.ServerError, $"{adapter.Id} answered with a job, but it has no job to follow."));
        var pause = Options.MinPollInterval;
        while (true)
        {
            var outcome = await polling.PollAsync(job, ct);
            // A throttled status read says nothing about the job, which keeps running at the provider: wait as asked
            // (Retry-After, within the attempt's deadline) and read again.
            if (outcome is PollOutcome.Failed { Failure: { Kind: FailureKind.RateLimited, RetryAfter: var asked } })
            {
                var wait = asked is { } a ? Options.CapRetryAfter(a) : TimeSpan.Zero;
                await Task.Delay(wait > pause ? wait : pause, time, ct);
                continue;
            }
            if (outcome is not PollOutcome.Running) return outcome;
            await Task.Delay(pause, time, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, Options.MaxPollInterval.Ticks));
        }
    }

    /// <summary>
    /// Downloads and checks the outputs. Nothing is recorded here: the attempt becomes <c>used</c> in the same
    /// transaction that marks the generation succeeded, after the files are on disk, so a crash in between resumes
    /// this job (or finds the files) instead of trying another provider.
    /// </summary>
    private async Task<AttemptResult> FetchAsync(Generation generation, IProviderAdapter adapter, Attempt attempt,
        IReadOnlyList<ProviderOutput> outputs, double? predictSeconds, TimeSpan downloadTimeout, AttemptScope scope)
    {
        var fetched = new List<FetchedOutput>();
        foreach (var output in outputs.Take(generation.Request.OutputNumber))
        {
            var result = await WithDeadline(downloadTimeout, t => adapter.FetchAsync(output, t), scope,
                d => $"Downloading an output took longer than {d.TotalSeconds:0.#} s.", f => new FetchOutcome.Failed(f with { Kind = FailureKind.OutputInvalid }));
            switch (result)
            {
                case null:
                    return new AttemptResult.Stopped();
                case FetchOutcome.Failed f:
                    return await FinishFailedAsync(generation, attempt, f.Failure, wasted: true);
                case FetchOutcome.Fetched file:
                    if (MediaSniffer.Detect(file.Bytes) is not { } kind)
                        return await FinishFailedAsync(generation, attempt,
                            new ProviderFailure(FailureKind.OutputInvalid, "The provider's output is not a PNG, JPEG, WebP or MP4 file."), wasted: true);
                    fetched.Add(new FetchedOutput(file.Bytes, kind.ContentType, kind.Extension));
                    break;
            }
        }
        if (fetched.Count == 0)
            return await FinishFailedAsync(generation, attempt, new ProviderFailure(FailureKind.OutputInvalid, "The provider returned no output."), wasted: true);
        return new AttemptResult.Done(fetched, predictSeconds, attempt with { Outcome = AttemptOutcome.Used, FinishedAt = time.GetUtcNow() });
    }

    private async Task<AttemptResult> FinishFailedAsync(Generation generation, Attempt attempt, ProviderFailure failure, bool wasted,
        AttemptOutcome outcome = AttemptOutcome.Failed)
    {
        await SaveAsync(generation, attempt with
        {
            Outcome = outcome,
            FinishedAt = time.GetUtcNow(),
            ErrorCode = FailureMapping.Code(failure.Kind),
            ErrorMessage = failure.Message,
            Wasted = wasted,
        });
        return new AttemptResult.Failed(failure, wasted);
    }

    // The final records of an attempt are written even while stopping, so a restart knows what happened.
    private async Task<bool> SaveAsync(Generation generation, Attempt attempt)
        => await store.ApplyAsync(generation.Id, new LifecycleEvent.AttemptRecorded(attempt), null, CancellationToken.None) is TransitionOutcome.Applied;

    private async Task CancelQuietlyAsync(IProviderAdapter adapter, ProviderJob job, string generationId)
    {
        if (adapter is not ICancelingAdapter cancelable) return; // nothing can stop it: it only counts as wasted
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await cancelable.CancelAsync(job, cts.Token);
        }
        catch (Exception ex)
        {
            log.LogWarning("Cancelling {Provider} job {JobId} for {GenerationId} failed: {Reason}", adapter.Id, job.JobId, generationId, ex.Message);
        }
    }

    /// <summary>
    /// Runs adapter work under its own deadline and the scope's budget. A missed deadline or budget becomes a timeout
    /// failure; an exception (a reset mid-body, an answer of unexpected shape) a provider error; both through
    /// <paramref name="failed"/>. The scope's stop (owner cancel, shutdown) becomes null.
    /// </summary>
    private async Task<T?> WithDeadline<T>(TimeSpan limit, Func<CancellationToken, Task<T>> work, AttemptScope scope, Func<TimeSpan, string> timeoutMessage,
        Func<ProviderFailure, T> failed) where T : class
    {
        using var deadline = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(scope.Stop, scope.Budget, deadline.Token);
        try
        {
            return await work(linked.Token);
        }
        catch (OperationCanceledException) when (scope.Stop.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            return failed(new ProviderFailure(FailureKind.Timeout, scope.Budget.IsCancellationRequested && !deadline.IsCancellationRequested
                ? "The generation's time budget ran out while waiting for the provider." : timeoutMessage(limit)));
        }
        catch (Exception ex)
        {
            log.LogWarning("Unexpected answer handling on a provider call: {Error}: {Reason}", ex.GetType().Name, ex.Message);
            return failed(new ProviderFailure(FailureKind.ServerError, "The provider's answer could not be understood."));
        }
    }
}

/// <param name="Stop">The owner's cancel or shutdown: the job is kept on record.</param>
/// <param name="Shutdown">Shutdown alone.</param>
/// <param name="Budget">The generation's whole-run budget: past it, the job is given up.</param>
public sealed record AttemptScope(CancellationToken Stop, CancellationToken Shutdown, CancellationToken Budget);

public abstract record AttemptResult
{
    public sealed record Done(IReadOnlyList<FetchedOutput> Outputs, double? PredictSeconds, Attempt Used) : AttemptResult;
    public sealed record Failed(ProviderFailure Failure, bool Wasted) : AttemptResult;
    public sealed record Stopped : AttemptResult;
}
