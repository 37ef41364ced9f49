namespace BabySea.Appliance.Providers;

/// <summary>
/// One provider's wire format behind one small interface that fits synchronous providers (submit returns the
/// media), submit-and-poll providers (submit returns a job) and hybrids (either). Adapters make exactly one
/// attempt per call: retries, deadlines and failover belong to routing. A provider that hands out jobs also
/// implements <see cref="IPollingAdapter"/>; one that can stop a job, <see cref="ICancelingAdapter"/>.
/// </summary>
public interface IProviderAdapter
{
    string Id { get; }

    /// <summary>True when the adapter talks to the appliance's built-in emulator because no key is configured.</summary>
    bool Emulated { get; }

    /// <summary>Either the media itself or, for a provider that polls, a job to follow.</summary>
    Task<SubmitOutcome> SubmitAsync(ProviderRequest request, CancellationToken ct);

    /// <summary>Downloads one output (with the provider's credentials where its file host needs them).</summary>
    Task<FetchOutcome> FetchAsync(ProviderOutput output, CancellationToken ct);
}

/// <summary>A provider whose submit may answer with a job that is followed until it finishes.</summary>
public interface IPollingAdapter : IProviderAdapter
{
    /// <summary>Checks a job using the URLs the provider returned for it.</summary>
    Task<PollOutcome> PollAsync(ProviderJob job, CancellationToken ct);
}

/// <summary>A provider that can stop a job it runs.</summary>
public interface ICancelingAdapter : IProviderAdapter
{
    /// <summary>Best effort; true when the provider acknowledged the cancel.</summary>
    Task<bool> CancelAsync(ProviderJob job, CancellationToken ct);
}
