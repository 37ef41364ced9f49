namespace BabySea.Appliance.Api;

/// <summary>The one place a BSE code meets its type, HTTP status, retryability and log level.</summary>
public static class BseCatalog
{
    public sealed record Row(string Type, int Status, bool Retryable, LogLevel Level);

    private static readonly Dictionary<BseCode, Row> Rows = new()
    {
        [BseCode.AuthenticationRequired] = new("authentication_required", 401, false, LogLevel.Information),
        [BseCode.AuthenticationFailed] = new("authentication_failed", 401, false, LogLevel.Information),
        [BseCode.InsufficientPermissions] = new("insufficient_permissions", 403, false, LogLevel.Information),
        [BseCode.InsufficientCredits] = new("insufficient_credits", 402, false, LogLevel.Information),
        [BseCode.RateLimitExceeded] = new("rate_limit_exceeded", 429, true, LogLevel.Information),
        [BseCode.AuthRateLimited] = new("auth_rate_limited", 429, true, LogLevel.Warning),
        [BseCode.IpNotAllowed] = new("ip_not_allowed", 403, false, LogLevel.Information),
        [BseCode.AccountNotFound] = new("account_not_found", 404, false, LogLevel.Information),
        [BseCode.ConcurrencyLimitExceeded] = new("concurrency_limit_exceeded", 429, true, LogLevel.Information),
        [BseCode.InvalidInput] = new("invalid_input", 400, false, LogLevel.Information),
        [BseCode.FileTooLarge] = new("file_too_large", 422, false, LogLevel.Information),
        [BseCode.FileTooSmall] = new("file_too_small", 422, false, LogLevel.Information),
        [BseCode.UnsupportedFileFormat] = new("unsupported_file_format", 422, false, LogLevel.Information),
        [BseCode.FileLoadError] = new("file_load_error", 422, false, LogLevel.Information),
        [BseCode.ContentPolicyViolation] = new("content_policy_violation", 422, false, LogLevel.Information),
        [BseCode.FileSizeExceeded] = new("file_size_exceeded", 422, false, LogLevel.Information),
        [BseCode.ParameterOutOfRange] = new("parameter_out_of_range", 422, false, LogLevel.Information),
        [BseCode.FileDownloadError] = new("file_download_error", 422, false, LogLevel.Information),
        [BseCode.PayloadTooLarge] = new("payload_too_large", 413, false, LogLevel.Information),
        [BseCode.ModelNotFound] = new("model_not_found", 404, false, LogLevel.Information),
        [BseCode.UnsupportedProviderOrder] = new("unsupported_provider_order", 400, false, LogLevel.Information),
        [BseCode.ModelTypeMismatch] = new("model_type_mismatch", 400, false, LogLevel.Information),
        [BseCode.InvalidIdempotencyKey] = new("invalid_idempotency_key", 400, false, LogLevel.Information),
        [BseCode.IdempotencyKeyReused] = new("idempotency_key_reused", 409, false, LogLevel.Information),
        [BseCode.IdempotencyRequestInProgress] = new("idempotency_request_in_progress", 409, true, LogLevel.Information),
        [BseCode.GenerationNotFound] = new("generation_not_found", 404, false, LogLevel.Information),
        [BseCode.GenerationNotCancelable] = new("generation_not_cancelable", 409, false, LogLevel.Information),
        [BseCode.ContentRemoved] = new("content_removed", 410, false, LogLevel.Information),
        [BseCode.RouteNotFound] = new("route_not_found", 404, false, LogLevel.Information),
        [BseCode.ProviderError] = new("provider_error", 502, true, LogLevel.Warning),
        [BseCode.ProviderTimeout] = new("provider_timeout", 504, true, LogLevel.Warning),
        [BseCode.AllProvidersFailed] = new("all_providers_failed", 502, true, LogLevel.Warning),
        [BseCode.ProviderRateLimited] = new("provider_rate_limited", 503, true, LogLevel.Warning),
        [BseCode.ProviderCapacityExceeded] = new("provider_capacity_exceeded", 503, true, LogLevel.Warning),
        [BseCode.ProviderServicePaused] = new("provider_service_paused", 503, true, LogLevel.Warning),
        [BseCode.ProviderCreditsExhausted] = new("provider_credits_exhausted", 502, false, LogLevel.Error),
        [BseCode.ProviderAuthenticationFailed] = new("provider_authentication_failed", 502, false, LogLevel.Error),
        [BseCode.ProviderContentRejected] = new("provider_content_rejected", 422, false, LogLevel.Information),
        [BseCode.ProviderInvalidRequest] = new("provider_invalid_request", 422, false, LogLevel.Warning),
        [BseCode.ProviderNotConfigured] = new("provider_not_configured", 503, false, LogLevel.Warning),
        [BseCode.ProviderOutputInvalid] = new("provider_output_invalid", 502, true, LogLevel.Warning),
        [BseCode.InternalError] = new("internal_error", 500, true, LogLevel.Error),
        [BseCode.StorageUnavailable] = new("storage_unavailable", 503, true, LogLevel.Error),
        [BseCode.ServiceOverloaded] = new("service_overloaded", 503, true, LogLevel.Warning),
    };

    public static Row For(BseCode code) => Rows[code];

    public static string Format(BseCode code) => $"BSE{(int)code}";

    public static bool TryParse(string? text, out BseCode code)
    {
        code = default;
        return text is { Length: 7 } && text.StartsWith("BSE", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(3), out var n) && Enum.IsDefined((BseCode)n) && (code = (BseCode)n) == code;
    }

    internal static IEnumerable<BseCode> Codes => Rows.Keys;
}
