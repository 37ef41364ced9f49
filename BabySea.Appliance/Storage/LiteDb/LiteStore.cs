using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// The one LiteDB database of a data folder, opened in direct mode behind an exclusive lock file.
/// LiteDB cannot be shared between processes on Linux (direct mode corrupts, shared mode relies on named
/// mutexes that are process-local under Native AOT), so a second instance is refused outright.
/// </summary>
public sealed class LiteStore : IDisposable
{
    private readonly FileStream _lock;

    public LiteDatabase Db { get; }
    public string DataDir { get; }

    private LiteStore(string dataDir, FileStream lockFile, LiteDatabase db)
    {
        DataDir = dataDir;
        _lock = lockFile;
        Db = db;
    }

    public static LiteStore Open(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive flock on Linux: the only cross-process guard that works under AOT.
            lockFile = new FileStream(Path.Combine(dataDir, "appliance.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new DataFolderLockedException(dataDir);
        }
        try
        {
            var db = new LiteDatabase(new ConnectionString
            {
                Filename = Path.Combine(dataDir, "babysea.db"),
                Connection = ConnectionType.Direct,
            });
            db.UtcDate = true;
            Schema.Ensure(db);
            return new LiteStore(dataDir, lockFile, db);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    public ILiteCollection<BsonDocument> Collection(string name) => Db.GetCollection(name, BsonAutoId.ObjectId);

    public void Dispose()
    {
        Db.Dispose();
        _lock.Dispose();
    }
}

public sealed class DataFolderLockedException(string dataDir)
    : Exception($"The data folder '{dataDir}' is in use by another BabySea Appliance process. Stop it first, or point BABYSEA_DATA_DIR at another folder.");
