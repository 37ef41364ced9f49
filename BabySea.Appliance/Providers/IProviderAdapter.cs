namespace BabySea.Appliance.Providers;

/// <summary>
/// One provider's wire format behind one small interface that fits synchronous providers (submit returns the
/// media), submit-and-poll providers (submit returns a job) and hybrids (either). Adapters make exactly one
/// attempt per call: retries, deadlines and failover belong to routing.
/// </summary>
public interface IProviderAdapter
{
    string Id { get; }

    /// <summary>True when the adapter talks to the appliance's built-in emulator because no key is configured.</summary>
    bool Emulated { get; }

    Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct);

    /// <summary>Checks a job using the URLs the provider returned for it.</summary>
    Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct);

    /// <summary>Best effort; true when the provider acknowledged the cancel.</summary>
    Task<bool> CancelAsync(ProviderJob job, CancellationToken ct);

    /// <summary>Downloads one output (with the provider's credentials where its file host needs them).</summary>
    Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct);
}
