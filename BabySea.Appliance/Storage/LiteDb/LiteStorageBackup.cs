namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>Runs the copy as one writer command: writes wait for it, so the copy is a single point in time.</summary>
public sealed class LiteStorageBackup(WriteQueue writer, string artifactsRoot) : IStorageBackup
{
    public Task<long> BackupAsync(string folder, CancellationToken ct) => writer.RunAsync(s => LiteBackup.CopyTo(s, folder, artifactsRoot));
}
