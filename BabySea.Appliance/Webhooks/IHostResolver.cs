using System.Net;

namespace BabySea.Appliance.Webhooks;

/// <summary>Name resolution for webhook targets: DNS in the appliance, a fake in tests that rehearse DNS rebinding.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}
