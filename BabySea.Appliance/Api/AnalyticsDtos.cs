namespace BabySea.Appliance.Api;

// Read endpoints of history: /v1/analytics, /v1/logs, /v1/credits/ledger and their /admin/v1 variants (snake_case via AppJsonContext).

public sealed record GenerationOutcomesData(long Succeeded, long Failed, long Canceled, long FailedOver);

public sealed record RequestCountsData(long Total, long Success, long ClientErrors, long ServerErrors);

public sealed record CreditMovementsData(decimal Reserved, decimal Charged, decimal Refunded, decimal Granted);

public sealed record WebhookSeriesData(long Delivered, long Failed);

public sealed record AnalyticsSeriesData(string Start, GenerationOutcomesData Generations, RequestCountsData Requests, CreditMovementsData Credits,
    WebhookSeriesData Webhooks);

public sealed record KeyCountData(string KeyId, string? KeyName, string? KeyPrefix, long Count);

public sealed record AnalyticsRequestsData(long Total, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyDictionary<string, long> ByEndpoint,
    IReadOnlyList<KeyCountData> ByKey);

public sealed record WebhookOutcomesData(long Delivered, long Failed, long Exhausted);

public sealed record PercentilesData(double P50, double P95, double P99, double Avg);

public sealed record ModelUsageData(string Model, long Generations, long Succeeded, decimal Credits);

public sealed record ProviderUsageData(string Provider, long Attempts, long Used, long Failed, long Wasted);

public sealed record AnalyticsData(string Period, string Bucket, string From, string To, IReadOnlyList<AnalyticsSeriesData> Series,
    GenerationOutcomesData Generations, AnalyticsRequestsData Requests, CreditMovementsData Credits, WebhookOutcomesData Webhooks,
    PercentilesData LatencyMs, PercentilesData InferenceSeconds, IReadOnlyDictionary<string, long> ErrorsByCode, IReadOnlyList<ModelUsageData> Models,
    IReadOnlyList<ProviderUsageData> Providers);

public sealed record RequestLogItemData(string RequestId, string? KeyId, string? KeyName, string? KeyPrefix, string Method, string Endpoint, int Status,
    string? BseCode, bool Replay, string? IpHash, string? UserAgent, double DurationMs, string At);

public sealed record RequestLogPageData(IReadOnlyList<RequestLogItemData> Items, string? NextCursor);

public sealed record LedgerItemData(string Id, string Type, decimal Amount, decimal Delta, decimal BalanceAfter, string Description, string? GenerationId,
    string CreatedAt);

public sealed record LedgerPageData(decimal Balance, IReadOnlyList<LedgerItemData> Items, string? NextCursor);
