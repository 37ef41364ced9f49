using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Routing.Catalog;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Routing;

/// <summary>
/// The failover loop: tries the resolved providers in order, one attempt each. Missing a deadline is just
/// another failure and the next provider starts at once; content-policy and invalid-input failures end the
/// chain. Every attempt is recorded before its submit is sent, so a restart resumes a job by its stored id
/// and never sends the same submit twice.
/// </summary>
public sealed class ProviderChain(
    ProviderRegistry registry,
    IGenerationStore store,
    IOptions<RoutingOptions> options,
    RoutingStats stats,
    ProviderCircuits circuits,
    TimeProvider time,
    ILogger<ProviderChain> log)
{
    private RoutingOptions Options => options.Value;

    /// <param name="ct">Canceled when the owner cancels the generation or the appliance stops; neither is a provider failure.</param>
    public async Task<ChainResult> RunAsync(Generation generation, CatalogModel model, CancellationToken ct)
    {
        // The whole generation has a budget too: past it, no attempt starts and a running one is cut short.
        var budget = generation.CreatedAt + Options.GenerationDeadline(generation.MediaType) - time.GetUtcNow();
        using var overall = new CancellationTokenSource(budget > TimeSpan.Zero ? budget : TimeSpan.FromMilliseconds(1), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, overall.Token);
        var result = await RunChainAsync(generation, model, linked.Token);
        if (result is ChainResult.Stopped && overall.IsCancellationRequested && !ct.IsCancellationRequested)
            return new ChainResult.Failed(BseCode.ProviderTimeout,
                $"The generation did not finish within its {Options.GenerationDeadline(generation.MediaType).TotalMinutes:0.#}-minute budget.", []);
        return result;
    }

    private async Task<ChainResult> RunChainAsync(Generation generation, CatalogModel model, CancellationToken ct)
    {
        var errors = new List<ProviderErrorItem>();
        foreach (var earlier in generation.Attempts.Where(a => a.ErrorCode is not null))
            errors.Add(new ProviderErrorItem(earlier.Provider, BseCatalog.TryParse(earlier.ErrorCode, out var c) ? c : BseCode.ProviderError,
                earlier.ErrorMessage ?? "", true));
        var number = generation.Attempts.Count;

        foreach (var provider in generation.ProviderOrder)
        {
            var previous = generation.Attempts.LastOrDefault(a => a.Provider == provider);
            if (previous is { Outcome: not (AttemptOutcome.Running or AttemptOutcome.Submitting) }) continue; // finished before a restart

            var adapter = registry.Find(provider);
            var binding = model.Binding(provider);
            if (adapter is null || binding is null)
            {
                errors.Add(new ProviderErrorItem(provider, BseCode.ProviderNotConfigured, $"{provider} is not served by this appliance.", false));
                continue;
            }

            var started = time.GetUtcNow();
            var outcome = await circuits.RunAsync(provider, async t =>
            {
                var attempt = previous ?? new Attempt(++number, provider, binding.Model, AttemptOutcome.Submitting, null, null, null, null, null,
                    time.GetUtcNow(), null, false);
                var result = await RunAttemptAsync(generation, adapter, binding, attempt, t);
                return (result, result is AttemptResult.Failed { Failure.Kind: var kind } && !FailureMapping.EndsChain(kind));
            }, ct);
            switch (outcome)
            {
                case null:
                    errors.Add(new ProviderErrorItem(provider, BseCode.ProviderError,
                        $"{provider} is skipped while its circuit is open after repeated failures.", true));
                    continue;
                case AttemptResult.Done done:
                    stats.Record(model.Id, provider, success: true, wasted: false, time.GetUtcNow() - started);
                    return new ChainResult.Succeeded(provider, done.Outputs, done.PredictSeconds);
                case AttemptResult.Stopped:
                    return new ChainResult.Stopped();
                case AttemptResult.Failed failed:
                    if (!FailureMapping.EndsChain(failed.Failure.Kind))
                        stats.Record(model.Id, provider, success: false, wasted: failed.Wasted, time.GetUtcNow() - started);
                    var code = FailureMapping.Code(failed.Failure.Kind);
                    errors.Add(new ProviderErrorItem(provider, code, failed.Failure.Message, BseCatalog.For(code).Retryable));
                    log.LogWarning("Attempt on {Provider} for {GenerationId} failed with {Bse}: {Reason}",
                        provider, generation.Id, BseCatalog.Format(code), failed.Failure.Message);
                    if (FailureMapping.EndsChain(failed.Failure.Kind)) return Exhausted(errors);
                    break;
            }
        }
        return Exhausted(errors);
    }

    private static ChainResult.Failed Exhausted(List<ProviderErrorItem> errors)
    {
        if (errors.Count == 1) return new ChainResult.Failed(errors[0].Code, errors[0].Message, errors);
        if (errors.Count == 0) return new ChainResult.Failed(BseCode.ProviderNotConfigured, "No provider could take this generation.", errors);
        return new ChainResult.Failed(BseCode.AllProvidersFailed,
            $"All {errors.Count} providers failed: " + string.Join("; ", errors.Select(e => $"{e.Provider} {BseCatalog.Format(e.Code)}")), errors);
    }

    private async Task<AttemptResult> RunAttemptAsync(Generation generation, IProviderAdapter adapter, ProviderBinding binding, Attempt attempt, CancellationToken ct)
    {
        var deadlines = Options.For(adapter.Id, generation.MediaType);
        ProviderJob? job = null;
        if (attempt.Outcome == AttemptOutcome.Running && attempt.JobId is { } jobId)
        {
            job = new ProviderJob(adapter.Id, jobId, attempt.PollUrl, attempt.CancelUrl);
            log.LogInformation("Resuming {Provider} job {JobId} for {GenerationId}", adapter.Id, jobId, generation.Id);
        }
        else if (attempt.Outcome == AttemptOutcome.Submitting && generation.Attempts.Contains(attempt))
        {
            // A submit was in flight when the appliance stopped: the provider may hold a job we cannot find.
            // Sending it again could pay twice, so this provider is given up and the chain moves on.
            await SaveAsync(generation, attempt with { Outcome = AttemptOutcome.Abandoned, Wasted = true, FinishedAt = time.GetUtcNow(),
                ErrorCode = BseCatalog.Format(BseCode.ProviderError), ErrorMessage = "Interrupted while submitting; not resent." });
            return new AttemptResult.Failed(new ProviderFailure(FailureKind.ServerError, "Interrupted while submitting; not resent."), true);
        }
        else
        {
            if (!await SaveAsync(generation, attempt)) return new AttemptResult.Stopped();
            var request = new ProviderRequest(generation.Id, generation.MediaType, binding.Model, NativeParameters.Map(binding, generation.Request), generation.Request);
            var submitted = await WithDeadline(deadlines.Submit, t => adapter.SubmitAsync(request, t), ct,
                d => new SubmitOutcome.Failed(new ProviderFailure(FailureKind.Timeout, $"{adapter.Id} did not accept the job within {d.TotalSeconds:0.#} s.")));
            if (submitted is null) return new AttemptResult.Stopped();
            switch (submitted)
            {
                case SubmitOutcome.Failed f:
                    return await FinishFailedAsync(generation, attempt, f.Failure, wasted: false);
                case SubmitOutcome.Completed c:
                    return await FetchAsync(generation, adapter, attempt, c.Outputs, c.PredictSeconds, deadlines.Download, ct);
                case SubmitOutcome.Accepted a:
                    job = a.Job;
                    attempt = attempt with { Outcome = AttemptOutcome.Running, JobId = job.JobId, PollUrl = job.PollUrl, CancelUrl = job.CancelUrl };
                    if (!await SaveAsync(generation, attempt))
                    {
                        await CancelQuietlyAsync(adapter, job);
                        return new AttemptResult.Stopped();
                    }
                    break;
            }
        }

        var deadline = deadlines.Result;
        var remaining = attempt.SubmittedAt + deadline - time.GetUtcNow();
        var polled = await WithDeadline(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), t => PollUntilDoneAsync(adapter, job!, t), ct,
            d => new PollOutcome.Failed(new ProviderFailure(FailureKind.Timeout, $"{adapter.Id} did not finish within {deadline.TotalSeconds:0.#} s.")));
        switch (polled)
        {
            case null:
                // Stopping or canceled by its owner: the job stays on record. A restart resumes it, and an owner's
                // cancel already asked the provider to stop it.
                return new AttemptResult.Stopped();
            case PollOutcome.Succeeded s:
                return await FetchAsync(generation, adapter, attempt, s.Outputs, s.PredictSeconds, deadlines.Download, ct);
            case PollOutcome.Failed { Failure.Kind: FailureKind.Timeout } f:
                // Abandoned: cancel it so it stops costing money, and count it as waste.
                await CancelQuietlyAsync(adapter, job!);
                return await FinishFailedAsync(generation, attempt, f.Failure, wasted: true, AttemptOutcome.Abandoned);
            case PollOutcome.Failed f:
                return await FinishFailedAsync(generation, attempt, f.Failure, wasted: false);
            default:
                return new AttemptResult.Stopped();
        }
    }

    private async Task<PollOutcome> PollUntilDoneAsync(IProviderAdapter adapter, ProviderJob job, CancellationToken ct)
    {
        var pause = Options.MinPollInterval;
        while (true)
        {
            var outcome = await adapter.PollAsync(job, ct);
            if (outcome is not PollOutcome.Running) return outcome;
            await Task.Delay(pause, time, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, Options.MaxPollInterval.Ticks));
        }
    }

    private async Task<AttemptResult> FetchAsync(Generation generation, IProviderAdapter adapter, Attempt attempt,
        IReadOnlyList<ProviderOutput> outputs, double? predictSeconds, TimeSpan downloadTimeout, CancellationToken ct)
    {
        var fetched = new List<FetchedOutput>();
        foreach (var output in outputs.Take(generation.Request.OutputNumber))
        {
            var result = await WithDeadline(downloadTimeout, t => adapter.FetchAsync(output, t), ct,
                d => new FetchOutcome.Failed(new ProviderFailure(FailureKind.OutputInvalid, $"Downloading an output took longer than {d.TotalSeconds:0.#} s.")));
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
        await SaveAsync(generation, attempt with { Outcome = AttemptOutcome.Used, FinishedAt = time.GetUtcNow() });
        return new AttemptResult.Done(fetched, predictSeconds);
    }

    private async Task<AttemptResult> FinishFailedAsync(Generation generation, Attempt attempt, ProviderFailure failure, bool wasted,
        AttemptOutcome outcome = AttemptOutcome.Failed)
    {
        await SaveAsync(generation, attempt with
        {
            Outcome = outcome,
            FinishedAt = time.GetUtcNow(),
            ErrorCode = BseCatalog.Format(FailureMapping.Code(failure.Kind)),
            ErrorMessage = failure.Message,
            Wasted = wasted,
        });
        return new AttemptResult.Failed(failure, wasted);
    }

    // The final records of an attempt are written even while stopping, so a restart knows what happened.
    private async Task<bool> SaveAsync(Generation generation, Attempt attempt)
        => await store.SaveAttemptAsync(generation.Id, attempt, CancellationToken.None) is not null;

    private static async Task CancelQuietlyAsync(IProviderAdapter adapter, ProviderJob job)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await adapter.CancelAsync(job, cts.Token); }
        catch (OperationCanceledException) { }
    }

    /// <summary>Runs <paramref name="work"/> under its own deadline. A missed deadline becomes <paramref name="onTimeout"/>;
    /// the caller's cancellation (owner cancel, shutdown) becomes null.</summary>
    private async Task<T?> WithDeadline<T>(TimeSpan limit, Func<CancellationToken, Task<T>> work, CancellationToken ct, Func<TimeSpan, T> onTimeout)
        where T : class
    {
        using var deadline = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            return await work(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return onTimeout(limit);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    internal abstract record AttemptResult
    {
        public sealed record Done(IReadOnlyList<FetchedOutput> Outputs, double? PredictSeconds) : AttemptResult;
        public sealed record Failed(ProviderFailure Failure, bool Wasted) : AttemptResult;
        public sealed record Stopped : AttemptResult;
    }
}
