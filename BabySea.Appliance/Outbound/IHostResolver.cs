using System.Net;

namespace BabySea.Appliance.Outbound;

/// <summary>Name resolution for outbound targets: DNS in the appliance, a fake in tests that rehearse DNS rebinding.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}
