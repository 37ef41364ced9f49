using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Routing.Catalog;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Routing;

/// <summary>
/// The failover loop: tries the resolved providers in order, one <see cref="ProviderAttempt"/> each, through each
/// provider's circuit breaker, within the generation's whole budget. Missing a deadline is just another failure
/// and the next provider starts at once; content-policy and invalid-input failures end the chain. A provider whose
/// circuit is open, or which asked to wait (<c>Retry-After</c>), is skipped.
/// </summary>
public sealed class ProviderChain(
    ModelCatalog catalog,
    ProviderRegistry registry,
    ProviderAttempt attempts,
    IOptions<RoutingOptions> options,
    RoutingStats stats,
    ProviderCircuits circuits,
    TimeProvider time,
    RoutingMetrics metrics,
    ILogger<ProviderChain> log)
{
    private RoutingOptions Options => options.Value;

    /// <summary>
    /// The attempt a generation that has tried no provider yet opens with, when it is known before the run: the first
    /// provider of its order, served here, its circuit closed, no Retry-After pending, the budget not spent. The worker's
    /// claim records it as submitting, in its own transaction, which spares the run a write and a commit before the submit.
    /// Null leaves the chain to record its attempts itself. As with any submitting record, a crash or stop before the
    /// submit went out leaves a submit that may have been sent: it is given up at restart, never sent again.
    /// </summary>
    public Attempt? Opening(Generation generation)
    {
        if (generation.Attempts.Count > 0 || generation.ProviderOrder.Count == 0) return null;
        var provider = generation.ProviderOrder[0];
        if (registry.Find(provider) is null || catalog.Find(generation.ModelIdentifier)?.Binding(provider) is not { } binding) return null;
        if (circuits.WaitingUntil(provider) is not null || circuits.State(provider) != "closed") return null;
        var now = time.GetUtcNow();
        if (generation.CreatedAt + Options.GenerationDeadline(generation.MediaType) <= now) return null;
        return new Attempt(1, provider, binding.Model, AttemptOutcome.Submitting, null, null, null, null, null, now, null, false);
    }

    /// <param name="opening">The attempt the claim recorded for this run (<see cref="Opening"/>), if any.</param>
    /// <param name="canceled">Canceled when the owner cancels the generation or the appliance stops; neither is a provider failure.</param>
    /// <param name="stopping">Canceled when the appliance stops.</param>
    public async Task<ChainResult> RunAsync(Generation generation, CatalogModel model, Attempt? opening, CancellationToken canceled, CancellationToken stopping)
    {
        // The whole generation has a budget too: past it, no attempt starts and a running one is given up.
        var budget = generation.CreatedAt + Options.GenerationDeadline(generation.MediaType) - time.GetUtcNow();
        using var overall = new CancellationTokenSource(budget > TimeSpan.Zero ? budget : TimeSpan.FromMilliseconds(1), time);
        var result = await RunChainAsync(generation, model, opening, new AttemptScope(canceled, stopping, overall.Token));
        if (overall.IsCancellationRequested && !canceled.IsCancellationRequested && result is not ChainResult.Succeeded)
            return new ChainResult.Failed(BseCode.ProviderTimeout,
                $"The generation did not finish within its {Options.GenerationDeadline(generation.MediaType).TotalMinutes:0.#}-minute budget.", []);
        return result;
    }

    private async Task<ChainResult> RunChainAsync(Generation generation, CatalogModel model, Attempt? opening, AttemptScope scope)
    {
        var errors = new List<ProviderError>();
        foreach (var earlier in generation.Attempts.Where(a => a.ErrorCode is not null))
            errors.Add(new ProviderError(earlier.Provider, earlier.ErrorCode!.Value, earlier.ErrorMessage ?? "",
                BseCatalog.For(earlier.ErrorCode.Value).Retryable));
        var number = generation.Attempts.Count == 0 ? 0 : generation.Attempts.Max(a => a.Number);

        foreach (var provider in generation.ProviderOrder)
        {
            if (scope.Budget.IsCancellationRequested || scope.Stop.IsCancellationRequested) return new ChainResult.Stopped();
            var previous = generation.Attempts.LastOrDefault(a => a.Provider == provider);
            if (previous is { Outcome: not (AttemptOutcome.Running or AttemptOutcome.Submitting) }) continue; // finished before a restart
            // The attempt the claim recorded for this run is this run's own, not one a restart found.
            var opened = opening is not null && previous == opening;

            var adapter = registry.Find(provider);
            var binding = model.Binding(provider);
            if (adapter is null || binding is null)
            {
                errors.Add(new ProviderError(provider, BseCode.ProviderNotConfigured, $"{provider} is not served by this appliance.", false));
                continue;
            }

            // A provider that asked to wait gets no new submit; a job it already runs is still followed.
            if (previous is null && circuits.WaitingUntil(provider) is { } until)
            {
                errors.Add(new ProviderError(provider, BseCode.ProviderRateLimited,
                    $"{provider} asked to be sent no new work until {Timestamps.Format(until)} (Retry-After).", true));
                continue;
            }

            var started = time.GetUtcNow();
            var outcome = await circuits.RunAsync(provider, async t =>
            {
                var attempt = previous ?? new Attempt(++number, provider, binding.Model, AttemptOutcome.Submitting, null, null, null, null, null,
                    time.GetUtcNow(), null, false);
                var result = await attempts.RunAsync(generation, adapter, binding, attempt, opened, scope);
                return (result, result is AttemptResult.Failed { Failure.Kind: var kind } && !FailureMapping.EndsChain(kind));
            }, scope.Stop);
            switch (outcome)
            {
                case null:
                    const string skipped = "skipped while its circuit is open after repeated failures";
                    // A job resumed after a restart would keep running (and billing) unseen: it is given up properly.
                    if (previous is { Outcome: AttemptOutcome.Running })
                    {
                        await attempts.AbandonAsync(generation, adapter, previous, $"Resumed job {skipped}.");
                        metrics.Wasted(provider);
                    }
                    else if (opened) await attempts.NotSentAsync(generation, previous!, $"Not sent: {provider} was {skipped}.");
                    errors.Add(new ProviderError(provider, BseCode.ProviderError, $"{provider} is {skipped}.", true));
                    if (provider != generation.ProviderOrder[^1]) metrics.FailedOver(provider);
                    continue;
                case AttemptResult.Done done:
                    metrics.Attempted(provider, null, time.GetUtcNow() - started, wasted: false);
                    stats.Record(model.Id, provider, success: true, wasted: false, time.GetUtcNow() - started);
                    return new ChainResult.Succeeded(provider, done.Outputs, done.PredictSeconds, done.Used);
                case AttemptResult.Stopped:
                    return new ChainResult.Stopped();
                case AttemptResult.Failed failed:
                    if (!FailureMapping.EndsChain(failed.Failure.Kind))
                        stats.Record(model.Id, provider, success: false, wasted: failed.Wasted, time.GetUtcNow() - started);
                    if (failed.Failure.RetryAfter is { } wait) circuits.Defer(provider, wait);
                    var code = FailureMapping.Code(failed.Failure.Kind);
                    metrics.Attempted(provider, code, time.GetUtcNow() - started, failed.Wasted);
                    errors.Add(new ProviderError(provider, code, failed.Failure.Message, BseCatalog.For(code).Retryable));
                    log.LogWarning("Attempt on {Provider} for {GenerationId} failed with {Bse}: {Reason}",
                        provider, generation.Id, BseCatalog.Format(code), failed.Failure.Message);
                    if (FailureMapping.EndsChain(failed.Failure.Kind)) return Exhausted(errors);
                    if (provider != generation.ProviderOrder[^1]) metrics.FailedOver(provider);
                    break;
            }
        }
        return Exhausted(errors);
    }

    private static ChainResult.Failed Exhausted(List<ProviderError> errors)
    {
        if (errors.Count == 1) return new ChainResult.Failed(errors[0].Code, errors[0].Message, errors);
        if (errors.Count == 0) return new ChainResult.Failed(BseCode.ProviderNotConfigured, "No provider could take this generation.", errors);
        return new ChainResult.Failed(BseCode.AllProvidersFailed,
            $"All {errors.Count} providers failed: " + string.Join("; ", errors.Select(e => $"{e.Provider} {BseCatalog.Format(e.Code)}")), errors);
    }
}
