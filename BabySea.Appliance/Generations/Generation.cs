using BabySea.Appliance.Api;

namespace BabySea.Appliance.Generations;

/// <summary>A generation record: the request as accepted, its lifecycle, its attempts and its outputs.</summary>
public sealed record Generation
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string ModelIdentifier { get; init; }
    public required MediaType MediaType { get; init; }
    public required GenerationStatus Status { get; init; }
    public required IReadOnlyList<string> ProviderOrder { get; init; }
    public required GenerationRequest Request { get; init; }
    public required decimal Cost { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? ProviderUsed { get; init; }
    public string? PredictionId { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public double? PredictTimeSeconds { get; init; }
    public BseCode? ErrorCode { get; init; }
    public string? Error { get; init; }
    public bool Removed { get; init; }
    public IReadOnlyList<ProviderError> ProviderErrors { get; init; } = [];

    /// <summary>Whether sending the same request again may succeed; null unless failed.</summary>
    public bool? ErrorRetryable => ErrorCode is { } code ? BseCatalog.Retryable(code, ProviderErrors.Select(e => e.Retryable)) : null;
    public IReadOnlyList<Attempt> Attempts { get; init; } = [];
    public IReadOnlyList<Artifact> Outputs { get; init; } = [];
}
