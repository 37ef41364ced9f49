using BabySea.Appliance.Api;

namespace BabySea.Appliance.Generations;

/// <summary>Why one provider of a generation's chain did not serve it: a failed attempt, or a provider skipped (not served, circuit open).</summary>
public sealed record ProviderError(string Provider, BseCode Code, string Message, bool Retryable);
