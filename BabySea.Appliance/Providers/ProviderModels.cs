using System.Text.Json.Nodes;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Providers;

// The neutral values that cross the adapter seam.

/// <summary>A request already mapped to the provider's native parameters from catalog data.</summary>
public sealed record ProviderRequest(string GenerationId, MediaType MediaType, string ProviderModel, JsonObject NativeInput,
    GenerationRequest Unified);

/// <summary>A job the provider accepted, with every URL it gave for it (never rebuilt by hand).</summary>
public sealed record ProviderJob(string Provider, string JobId, string? PollUrl, string? CancelUrl);

/// <summary>A produced file: a URL to download, or bytes the provider returned inline.</summary>
public sealed record ProviderOutput(string? Url, byte[]? Inline, string? ContentType);

public sealed record ProviderFailure(FailureKind Kind, string Message, TimeSpan? RetryAfter = null)
{
    /// <summary>A failure worth asking again about (a poll that hit a throttle or a blip), not a verdict on the job.</summary>
    public bool IsTransient => Kind is FailureKind.RateLimited or FailureKind.ServerError or FailureKind.Capacity or FailureKind.Timeout;
}

/// <summary>What routing should make of a failure; the BSE code the caller sees follows from it.</summary>
public enum FailureKind
{
    RateLimited,
    Capacity,
    ServicePaused,
    CreditsExhausted,
    AuthenticationFailed,
    ContentRejected,
    InvalidRequest,
    Timeout,
    ServerError,
    OutputInvalid,
    /// <summary>An input file the caller named could not be fetched (refused by the outbound policy, or its host failed).</summary>
    InputUnavailable,
    NotConfigured,
    Canceled,
}

public abstract record SubmitOutcome
{
    public sealed record Completed(IReadOnlyList<ProviderOutput> Outputs, double? PredictSeconds) : SubmitOutcome;
    public sealed record Accepted(ProviderJob Job) : SubmitOutcome;
    public sealed record Failed(ProviderFailure Failure) : SubmitOutcome;
}

public abstract record PollOutcome
{
    public sealed record Running : PollOutcome;
    public sealed record Succeeded(IReadOnlyList<ProviderOutput> Outputs, double? PredictSeconds) : PollOutcome;
    public sealed record Failed(ProviderFailure Failure) : PollOutcome;
}

public abstract record FetchOutcome
{
    public sealed record Fetched(byte[] Bytes, string? ContentType) : FetchOutcome;
    public sealed record Failed(ProviderFailure Failure) : FetchOutcome;
}
