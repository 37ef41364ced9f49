namespace BabySea.Appliance.Api;

/// <summary>The one place a BSE code meets its type, HTTP status and retryability.</summary>
public static class BseCatalog
{
    public sealed record Row(string Type, int Status, bool Retryable);

    private static readonly Dictionary<BseCode, Row> Rows = new()
    {
        [BseCode.AuthenticationRequired] = new("authentication_required", 401, false),
        [BseCode.AuthenticationFailed] = new("authentication_failed", 401, false),
        [BseCode.InsufficientPermissions] = new("insufficient_permissions", 403, false),
        [BseCode.InsufficientCredits] = new("insufficient_credits", 402, false),
        [BseCode.RateLimitExceeded] = new("rate_limit_exceeded", 429, true),
        [BseCode.AuthRateLimited] = new("auth_rate_limited", 429, true),
        [BseCode.IpNotAllowed] = new("ip_not_allowed", 403, false),
        [BseCode.AccountNotFound] = new("account_not_found", 404, false),
        [BseCode.ConcurrencyLimitExceeded] = new("concurrency_limit_exceeded", 429, true),
        [BseCode.InvalidInput] = new("invalid_input", 400, false),
        [BseCode.FileTooLarge] = new("file_too_large", 422, false),
        [BseCode.FileTooSmall] = new("file_too_small", 422, false),
        [BseCode.UnsupportedFileFormat] = new("unsupported_file_format", 422, false),
        [BseCode.FileLoadError] = new("file_load_error", 422, false),
        [BseCode.ContentPolicyViolation] = new("content_policy_violation", 422, false),
        [BseCode.FileSizeExceeded] = new("file_size_exceeded", 422, false),
        [BseCode.ParameterOutOfRange] = new("parameter_out_of_range", 422, false),
        [BseCode.FileDownloadError] = new("file_download_error", 422, false),
        [BseCode.PayloadTooLarge] = new("payload_too_large", 413, false),
        [BseCode.ModelNotFound] = new("model_not_found", 404, false),
        [BseCode.UnsupportedProviderOrder] = new("unsupported_provider_order", 400, false),
        [BseCode.ModelTypeMismatch] = new("model_type_mismatch", 400, false),
        [BseCode.InvalidIdempotencyKey] = new("invalid_idempotency_key", 400, false),
        [BseCode.IdempotencyKeyReused] = new("idempotency_key_reused", 409, false),
        [BseCode.IdempotencyRequestInProgress] = new("idempotency_request_in_progress", 409, true),
        [BseCode.GenerationNotFound] = new("generation_not_found", 404, false),
        [BseCode.GenerationNotCancelable] = new("generation_not_cancelable", 409, false),
        [BseCode.ContentRemoved] = new("content_removed", 410, false),
        [BseCode.RouteNotFound] = new("route_not_found", 404, false),
        [BseCode.ProviderError] = new("provider_error", 502, true),
        [BseCode.ProviderTimeout] = new("provider_timeout", 504, true),
        [BseCode.AllProvidersFailed] = new("all_providers_failed", 502, true),
        [BseCode.ProviderRateLimited] = new("provider_rate_limited", 503, true),
        [BseCode.ProviderCapacityExceeded] = new("provider_capacity_exceeded", 503, true),
        [BseCode.ProviderServicePaused] = new("provider_service_paused", 503, true),
        [BseCode.ProviderCreditsExhausted] = new("provider_credits_exhausted", 502, false),
        [BseCode.ProviderAuthenticationFailed] = new("provider_authentication_failed", 502, false),
        [BseCode.ProviderContentRejected] = new("provider_content_rejected", 422, false),
        [BseCode.ProviderInvalidRequest] = new("provider_invalid_request", 422, false),
        [BseCode.ProviderNotConfigured] = new("provider_not_configured", 503, false),
        [BseCode.ProviderOutputInvalid] = new("provider_output_invalid", 502, true),
        [BseCode.InternalError] = new("internal_error", 500, true),
        [BseCode.StorageUnavailable] = new("storage_unavailable", 503, true),
        [BseCode.ServiceOverloaded] = new("service_overloaded", 503, true),
    };

    public static Row For(BseCode code) => Rows[code];

    /// <summary>
    /// Whether the same request may succeed later: the code's own answer, except for an exhausted chain (BSE4003), which
    /// is retryable when any of its providers failed in a way that is.
    /// </summary>
    public static bool Retryable(BseCode code, IEnumerable<bool> providersRetryable)
        => code == BseCode.AllProvidersFailed ? providersRetryable.Any(r => r) : For(code).Retryable;

    public static string Format(BseCode code) => $"BSE{(int)code}";

    public static bool TryParse(string? text, out BseCode code)
    {
        code = default;
        return text is { Length: 7 } && text.StartsWith("BSE", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(3), out var n) && Enum.IsDefined((BseCode)n) && (code = (BseCode)n) == code;
    }

    internal static IEnumerable<BseCode> Codes => Rows.Keys;
}
