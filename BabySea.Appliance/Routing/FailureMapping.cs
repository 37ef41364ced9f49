using BabySea.Appliance.Api;
using BabySea.Appliance.Providers;

namespace BabySea.Appliance.Routing;

/// <summary>
/// From "what happened at the provider" to "what the caller sees" and "what routing does next". Content
/// policy, invalid input and an input file that cannot be fetched end the chain: another provider would refuse the
/// same request.
/// </summary>
public static class FailureMapping
{
    public static BseCode Code(FailureKind kind) => kind switch
    {
        FailureKind.RateLimited => BseCode.ProviderRateLimited,
        FailureKind.Capacity => BseCode.ProviderCapacityExceeded,
        FailureKind.ServicePaused => BseCode.ProviderServicePaused,
        FailureKind.CreditsExhausted => BseCode.ProviderCreditsExhausted,
        FailureKind.AuthenticationFailed => BseCode.ProviderAuthenticationFailed,
        FailureKind.ContentRejected => BseCode.ProviderContentRejected,
        FailureKind.InvalidRequest => BseCode.ProviderInvalidRequest,
        FailureKind.Timeout => BseCode.ProviderTimeout,
        FailureKind.OutputInvalid => BseCode.ProviderOutputInvalid,
        FailureKind.InputUnavailable => BseCode.FileDownloadError,
        FailureKind.NotConfigured => BseCode.ProviderNotConfigured,
        FailureKind.ServerError => BseCode.ProviderError,
        // The provider ended the job itself: to the caller, that provider failed.
        FailureKind.Canceled => BseCode.ProviderError,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Every failure kind has its code."),
    };

    public static bool EndsChain(FailureKind kind) => kind is FailureKind.ContentRejected or FailureKind.InvalidRequest or FailureKind.InputUnavailable;
}
