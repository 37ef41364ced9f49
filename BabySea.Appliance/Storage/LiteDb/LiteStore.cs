using BabySea.Appliance.Analytics;
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
    private readonly string _dataFile;
    private readonly string _logFile;
    private FileStream? _dataHandle;
    private FileStream? _logHandle;

    public LiteDatabase Db { get; }
    public string DataDir { get; }

    /// <summary>Whether <see cref="ForceToDisk"/> does anything (<c>Storage:Durability</c>, on by default).</summary>
    public bool Durable { get; }

    /// <summary>
    /// Set only while the <c>seed</c> verb writes history on a folder nothing else uses: rollup deltas gather here and are
    /// written once per bucket, instead of rewriting each bucket document for every row of sparse, year-long history.
    /// </summary>
    internal RollupBuffer? SeedingRollups { get; set; }

    /// <summary>
    /// Rollup deltas of the writer's open transaction, written together just before it commits; null outside the writer,
    /// where <see cref="RollupRows"/> writes at once.
    /// </summary>
    internal List<RollupDelta>? DeferredRollups { get; private set; }

    internal void DeferRollups() => DeferredRollups = [];

    /// <summary>The endpoint of each webhook delivery the writer's open transaction staged, so a write can tell which it staged.</summary>
    internal List<string> StagedFor { get; } = [];

    internal void StopDeferringRollups() => DeferredRollups = null;

    /// <summary>The in-flight slots' sizes, kept by the writer's transactions.</summary>
    internal SlotCounts Slots { get; } = new();

    /// <summary>The last webhook delivery sequence number handed out; null until read from the seq index (writer thread only).</summary>
    internal long? LastDeliverySeq { get; set; }

    /// <summary>The account documents the writer's open transaction has read, by id (see <see cref="AccountRows"/>; writer thread only).</summary>
    internal Dictionary<string, BsonDocument> TransactionAccounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Each account's webhook endpoints as the writer's open transaction read them (see <see cref="EndpointRows"/>; writer thread only).</summary>
    internal Dictionary<string, Webhooks.WebhookEndpoint[]> TransactionEndpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>Drops the rows a transaction read once for its steps: the next transaction, or a rollback, must read them anew.</summary>
    internal void ForgetTransactionReads()
    {
        TransactionAccounts.Clear();
        TransactionEndpoints.Clear();
    }

    /// <summary>Drops what the writer keeps between transactions: after a rollback it may count writes that never happened.</summary>
    internal void ForgetKept()
    {
        Slots.Forget();
        LastDeliverySeq = null;
    }

    private LiteStore(string dataDir, FileStream lockFile, LiteDatabase db, string dataFile, bool durable)
    {
        DataDir = dataDir;
        _lock = lockFile;
        Db = db;
        _dataFile = dataFile;
        _logFile = Path.Combine(Path.GetDirectoryName(dataFile)!, Path.GetFileNameWithoutExtension(dataFile) + "-log" + Path.GetExtension(dataFile));
        Durable = durable;
    }

    /// <summary>
    /// Forces what LiteDB has written to the disk (fsync of its journal and data file). LiteDB 5 never does this itself,
    /// so without it a power loss may drop commits it already acknowledged; the writer's fsync thread calls it for
    /// the group commits made since its last call, before completing their callers. Only that thread calls it.
    /// </summary>
    public void ForceToDisk()
    {
        if (!Durable) return;
        // fsync reaches the file's pages whichever descriptor wrote them; LiteDB keeps its journal file (emptied, not
        // deleted) while the database is open, so the handles stay valid once the journal exists.
        _logHandle ??= OpenForSync(_logFile);
        _dataHandle ??= OpenForSync(_dataFile);
        _logHandle?.Flush(flushToDisk: true);
        _dataHandle?.Flush(flushToDisk: true);
    }

    private static FileStream? OpenForSync(string path)
        => File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1) : null;

    public static LiteStore Open(string dataDir, bool durable = true)
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
            var dataFile = Path.Combine(dataDir, "babysea.db");
            var db = new LiteDatabase(new ConnectionString
            {
                Filename = dataFile,
                Connection = ConnectionType.Direct,
            });
            db.UtcDate = true;
            Schema.Ensure(db);
            var store = new LiteStore(dataDir, lockFile, db, dataFile, durable);
            RollupRecount.BuildIfMissing(store);
            return store;
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
        _logHandle?.Dispose();
        _dataHandle?.Dispose();
        Db.Dispose();
        _lock.Dispose();
    }
}
