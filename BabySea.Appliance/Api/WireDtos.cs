using System.Text.Json;
using System.Text.Json.Serialization;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Api;

// The `data` payloads of reference §3.3–3.5, spelled as the hosted API spells them (snake_case via AppJsonContext).

public sealed record StatusData(string AccountId, string ApikeyId, string? ApikeyName, string? ApikeyPrefix,
    string? ApikeyCreatedAt, string? ApikeyLastUsedAt, string? ApikeyExpiresAt);

public sealed record AccountData(string AccountId, string AccountName, string? AccountEmail, bool AccountIsPersonal,
    string? AccountPictureUrl, string AccountCreatedAt);

public sealed record BillingData(string AccountId, string? BillingPlan, decimal BillingCreditBalance, string? BillingSubscriptionStatus,
    bool? BillingCancelAtPeriodEnd, string? BillingCurrency, string? BillingPeriodStartsAt, string? BillingPeriodEndsAt,
    string? BillingCreatedAt, string? BillingUpdatedAt);

public sealed record EstimateData(string ModelIdentifier, string ModelType, int AssetsCount, decimal CostPerGeneration,
    decimal CostTotalConsumed, decimal? CreditBalance, bool? CreditBalanceCanAfford, int? CreditBalanceMaxAffordable,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DurationSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? CostPerSecond,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Resolution);

public sealed record CreateData(string ModelIdentifier, IReadOnlyList<string> GenerationProviderOrder, string? GenerationPredictionId,
    string GenerationId, bool GenerationInitialized);

public sealed record AttemptData(int Attempt, string Provider, string ProviderModel, string Outcome, string? ProviderJobId,
    string? ErrorCode, string? Error, string SubmittedAt, string? FinishedAt, bool Wasted);

public sealed record ProviderErrorData(string Provider, string Code, string Type, string Message, bool Retryable)
{
    public static ProviderErrorData From(ProviderError e) => new(e.Provider, BseCatalog.Format(e.Code), BseCatalog.For(e.Code).Type, e.Message, e.Retryable);
}

public sealed class GenerationData
{
    public required string AccountId { get; init; }
    public required string GenerationId { get; init; }
    public required string ModelIdentifier { get; init; }
    public required IReadOnlyList<string> GenerationProviderOrder { get; init; }
    public string? GenerationProviderUsed { get; init; }
    public string? GenerationPredictionId { get; init; }
    public required string GenerationStatus { get; init; }
    public required string GenerationPrompt { get; init; }
    public required string GenerationRatio { get; init; }
    public required string GenerationOutputFormat { get; init; }
    public required int GenerationOutputNumber { get; init; }
    public IReadOnlyList<string>? GenerationInputFile { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? GenerationInputFileLastContent { get; init; }
    public IReadOnlyList<string>? GenerationOutputFile { get; init; }
    public required string GenerationCreatedAt { get; init; }
    public string? GenerationStartedAt { get; init; }
    public string? GenerationCompletedAt { get; init; }
    public double? GenerationMetricsTotalTime { get; init; }
    public double? GenerationMetricsPredictTime { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? GenerationDuration { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? GenerationResolution { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? GenerationGenerateAudio { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? GenerationAudioMode { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? GenerationError { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? GenerationErrorCode { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? GenerationErrorRetryable { get; init; }
    /// <summary>Why each provider of the chain did not serve it, when a provider was tried (reference §3.1 <c>provider_errors</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<ProviderErrorData>? ProviderErrors { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? GenerationRemoved { get; init; }
    public required decimal GenerationCost { get; init; }
    public required IReadOnlyList<AttemptData> GenerationAttempts { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extras { get; set; }
}

public sealed record GenerationListData(IReadOnlyList<GenerationData> Generations);

public sealed record CancelData(string GenerationId, string GenerationStatus, bool ProviderCancelSent, bool CreditsRefunded);

public sealed record DeleteData(string GenerationId, int FilesDeleted);

public sealed record HealthWindowData(int TotalAttempts, int Failures, int Successes, int DurationSeconds);

public sealed record ProviderHealthData(string Provider, string Status, double FailureRate, HealthWindowData Window,
    bool Configured, bool Emulated, string CircuitState);

public sealed record ProvidersHealthData(string Service, bool Healthy, int ProvidersTotal, IReadOnlyList<ProviderHealthData> Providers);

public sealed record ModelProviderAvailability(bool Available, string? RawModelId, int Samples, double SuccessRate, double WastedRate,
    double? P95Seconds);

/// <summary><c>fastest_ranking</c> is the order <c>fastest</c> currently gives this model's served providers.</summary>
public sealed record ModelHealthData(string ModelIdentifier, string ModelType, JsonElement? ModelPricing,
    IReadOnlyDictionary<string, ModelProviderAvailability> Providers, IReadOnlyList<string> FastestRanking);

public sealed record ModelsHealthData(string Service, bool Healthy, int ModelsTotal, IReadOnlyList<ModelHealthData> Models);

public sealed record ProbeData(string Service, bool Healthy, long LatencyMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Bucket,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

public sealed record ImplementationData(string DeliveryMethod, string? CancelMethod, string? WebhookVerification, string ErrorMapping,
    string CostTracking, string SchemaConversion, string FailoverStrategy, string HealthMonitoring,
    IReadOnlyList<string> SupportedMediaTypes, int SupportedModelsTotal);

public sealed record LibraryProviderData(string ProviderId, string ProviderName, string ProviderDescription, string ProviderWebsite,
    string ProviderDocs, string ProviderStatus, ImplementationData BabyseaImplementation, bool ProviderConfigured, string ApiKeyEnv,
    IReadOnlyList<string> ProviderModels);

public sealed record LibraryProvidersData(int ProvidersTotal, IReadOnlyList<LibraryProviderData> Providers);

public sealed record SchemaData(bool GenerationPrompt, IReadOnlyList<string> GenerationRatio, IReadOnlyList<string> GenerationOutputFormat,
    int GenerationOutputNumber, bool GenerationInputFile,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<double>? GenerationDuration,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? GenerationResolution,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? GenerationGenerateAudio);

public sealed record LibraryModelData(string ModelType, string ModelIdentifier, string ModelName, JsonElement ModelPricing,
    IReadOnlyList<string> ModelSupportedProvider, SchemaData Schema, IReadOnlyList<string> SpecificSchema, ModelLimitsData ModelLimits,
    IReadOnlyDictionary<string, JsonElement> ModelDefaults);

public sealed record LibraryModelsData(int ModelsTotal, IReadOnlyList<LibraryModelData> Models);

public sealed record UsageEndpointData(string Endpoint, int TotalRequests, int SuccessCount, int ClientErrorCount, int ServerErrorCount,
    IReadOnlyDictionary<string, int> ErrorCodes);

public sealed record UsageProviderData(string Provider, int TotalSubmissions, int UsedCount, int CancelledCount, int DiscardedCount,
    int FailedCount, decimal TotalEstimatedCost, decimal WastedEstimatedCost);

public sealed record UsageData(string AccountId, int UsagePeriodDays, decimal UsageCreditBalance, int UsageTotalRequests,
    int UsageTotalSuccess, int UsageTotalClientErrors, int UsageTotalServerErrors, int UsageTotalGenerations,
    int UsageTotalProviderSubmissions, decimal UsageTotalEstimatedCost, decimal UsageCreditsReserved, decimal UsageCreditsCharged,
    decimal UsageCreditsRefunded, IReadOnlyList<UsageEndpointData> UsageEndpoints, IReadOnlyList<UsageProviderData> UsageProviders,
    UsageWebhooksData UsageWebhooks);

/// <summary>
/// What a request to a model may carry beyond the allowed values in its schema: how many input files (a model with a
/// minimum above zero cannot run without them), whether a distinct last frame is taken, and the ranges of the counts.
/// </summary>
public sealed record ModelLimitsData(int MinInputFiles, int MaxInputFiles, bool InputFileLast, int MinOutputNumber, int MaxOutputNumber,
    int MaxPromptLength, bool DurationRequired);
