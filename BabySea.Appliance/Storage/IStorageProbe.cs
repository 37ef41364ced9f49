namespace BabySea.Appliance.Storage;

/// <summary>
/// A real round trip through storage, for the health route and the readiness probe: the database commits a write and
/// the artifact folder takes a file and gives it back. Throws what the storage threw; leaves nothing that grows.
/// </summary>
public interface IStorageProbe
{
    Task CheckAsync(CancellationToken ct);
}
