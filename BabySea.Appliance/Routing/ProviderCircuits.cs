using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace BabySea.Appliance.Routing;

/// <summary>
/// A Polly circuit breaker per provider over whole attempts: when enough of the recent attempts failed on the
/// provider's side (<see cref="RoutingOptions"/> <c>Circuit*</c>), the provider is skipped for a while and the
/// chain moves straight on. Content-policy and invalid-input refusals are the caller's, and do not count. A provider
/// that answered with <c>Retry-After</c> gets no new work until then (at most <see cref="RoutingOptions.MaxRetryAfter"/>).
/// </summary>
public sealed class ProviderCircuits(TimeProvider time, IOptions<RoutingOptions> options)
{
    private readonly ConcurrentDictionary<string, (ResiliencePipeline<bool> Pipeline, CircuitBreakerStateProvider State)> _circuits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _waitUntil = new(StringComparer.Ordinal);

    /// <summary>Records a provider's <c>Retry-After</c>: no new submit goes to it before then.</summary>
    public void Defer(string provider, TimeSpan retryAfter)
    {
        var wait = options.Value.CapRetryAfter(retryAfter);
        if (wait <= TimeSpan.Zero) return;
        var until = time.GetUtcNow() + wait;
        _waitUntil.AddOrUpdate(provider, until, (_, earlier) => earlier > until ? earlier : until);
    }

    /// <summary>Until when the provider asked not to be sent new work, or null when it did not (or that time has passed).</summary>
    public DateTimeOffset? WaitingUntil(string provider)
        => _waitUntil.TryGetValue(provider, out var until) && until > time.GetUtcNow() ? until : null;

    /// <summary>Runs an attempt through the provider's breaker. Its result says whether it counts as a provider failure.</summary>
    public async Task<T?> RunAsync<T>(string provider, Func<CancellationToken, Task<(T Result, bool ProviderFailed)>> attempt, CancellationToken ct)
        where T : class
    {
        T? result = null;
        try
        {
            await Circuit(provider).Pipeline.ExecuteAsync(async token =>
            {
                var (value, failed) = await attempt(token);
                result = value;
                return !failed;
            }, ct);
            return result;
        }
        catch (BrokenCircuitException)
        {
            return null;
        }
    }

    public string State(string provider) => _circuits.TryGetValue(provider, out var c) ? c.State.CircuitState switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half_open",
        _ => "open",
    } : "closed";

    private (ResiliencePipeline<bool> Pipeline, CircuitBreakerStateProvider State) Circuit(string provider)
        => _circuits.GetOrAdd(provider, _ =>
        {
            var state = new CircuitBreakerStateProvider();
            var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = time }
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions<bool>
                {
                    FailureRatio = options.Value.CircuitFailureRatio,
                    MinimumThroughput = options.Value.CircuitMinimumThroughput,
                    SamplingDuration = options.Value.CircuitSamplingDuration,
                    BreakDuration = options.Value.CircuitBreakDuration,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result == false),
                    StateProvider = state,
                })
                .Build();
            return (pipeline, state);
        });
}
