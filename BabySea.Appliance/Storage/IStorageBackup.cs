namespace BabySea.Appliance.Storage;

/// <summary>A consistent copy of the data folder into another folder while serving; returns how many documents it holds.</summary>
public interface IStorageBackup
{
    Task<long> BackupAsync(string folder, CancellationToken ct);
}
