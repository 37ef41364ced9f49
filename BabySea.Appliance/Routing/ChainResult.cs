using BabySea.Appliance.Api;
using BabySea.Appliance.Generations;

namespace BabySea.Appliance.Routing;

/// <summary>A downloaded, recognised output.</summary>
public sealed record FetchedOutput(byte[] Bytes, string ContentType, string Extension);

/// <summary>How a run through the provider chain ended.</summary>
public abstract record ChainResult
{
    /// <param name="Used">The attempt that produced the outputs, as it is to be recorded with the success.</param>
    public sealed record Succeeded(string Provider, IReadOnlyList<FetchedOutput> Outputs, double? PredictSeconds, Attempt Used) : ChainResult;

    /// <summary>Every provider failed (or one failure ended the chain); errors are in attempt order.</summary>
    public sealed record Failed(BseCode Code, string Message, IReadOnlyList<ProviderError> Errors) : ChainResult;

    /// <summary>The generation left <c>processing</c> (canceled by its owner) or the appliance is stopping.</summary>
    public sealed record Stopped : ChainResult;
}
