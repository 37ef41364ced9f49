namespace BabySea.Appliance.Providers.Emulator;

/// <summary>A provider's wire format served by the appliance under <c>/emulator/{provider}/</c>.</summary>
public interface IProviderEmulator
{
    string Provider { get; }

    void Map(IEndpointRouteBuilder app);
}
