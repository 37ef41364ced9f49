using System.Collections.Concurrent;
using System.Diagnostics;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// The single writer. Every write is a synchronous command that reads what it needs and decides inside the
/// transaction; commands waiting together share one transaction (group commit), and each caller's task
/// completes only after that commit is on disk. LiteDB transactions are bound to their thread, so they all run on
/// this one dedicated thread and nothing awaits inside them. Because every write passes through here, a check and
/// the write it guards (balance and reservation, in-flight count and insert) can never race.
/// <para>
/// With <see cref="LiteStore.Durable"/>, forcing a commit to disk is a second thread's job: while it waits for one
/// transaction's fsync, the writer already runs the next, and one fsync covers every transaction committed before it
/// began. No caller hears of its write before the fsync that covers it; another reader may see it up to one fsync
/// earlier, which only a power loss in that moment could take back.
/// </para>
/// </summary>
public sealed class WriteQueue : IDisposable
{
    private const int MaxBatch = 256;
    private readonly LiteStore _store;
    private readonly BlockingCollection<IWriteCommand> _pending = new();
    private readonly BlockingCollection<CommittedBatch> _committed = new();
    private readonly Thread _thread;
    private readonly Thread? _syncer;
    private readonly ILogger<WriteQueue> _log;
    private readonly WriterMetrics? _metrics;

    public WriteQueue(LiteStore store, ILogger<WriteQueue> log, WriterMetrics? metrics = null)
    {
        _store = store;
        _log = log;
        _metrics = metrics;
        _thread = new Thread(Run) { IsBackground = true, Name = "babysea-writer" };
        _thread.Start();
        if (!store.Durable) return;
        _syncer = new Thread(Sync) { IsBackground = true, Name = "babysea-fsync" };
        _syncer.Start();
    }

    /// <summary>Runs <paramref name="command"/> inside a transaction on the writer thread.</summary>
    public Task<T> RunAsync<T>(Func<LiteStore, T> command)
    {
        var item = new WriteCommand<T>(command);
        try
        {
            _pending.Add(item);
        }
        catch (InvalidOperationException)
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(WriteQueue)));
        }
        return item.Task;
    }

    private void Run()
    {
        var batch = new List<IWriteCommand>(MaxBatch);
        foreach (var first in _pending.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && _pending.TryTake(out var next)) batch.Add(next);
            ExecuteBatch(batch);
            batch.Clear();
        }
    }

    private void ExecuteBatch(List<IWriteCommand> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            Begin();
            foreach (var command in batch) command.Execute(_store);
            Commit();
            Committed([.. batch], started);
            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // One command failed: undo the shared transaction and give each command its own, so only the
            // faulty one fails.
            Rollback();
            _log.LogDebug(ex, "Group commit of {Count} writes rolled back; retrying one by one", batch.Count);
        }
        catch (Exception ex)
        {
            Rollback();
            batch[0].Fail(ex);
            return;
        }
        foreach (var command in batch) ExecuteAlone(command);
    }

    private void ExecuteAlone(IWriteCommand command)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            Begin();
            command.Execute(_store);
            Commit();
            Committed([command], started);
        }
        catch (Exception ex)
        {
            Rollback();
            command.Fail(ex);
        }
    }

    private void Begin()
    {
        _store.Db.BeginTrans();
        _store.ForgetTransactionReads();
        _store.DeferRollups();
        _store.StagedFor.Clear();
    }

    // The rollups the commands counted are written once, in the same transaction, before it commits.
    private void Commit()
    {
        RollupRows.WriteDeferred(_store);
        _store.StopDeferringRollups();
        _store.Db.Commit();
    }

    /// <summary>Completes the callers of a committed transaction now, or, when commits are forced to disk, after the fsync that covers it.</summary>
    private void Committed(IWriteCommand[] commands, long started)
    {
        if (_syncer is null)
        {
            _metrics?.Committed(commands.Length, Stopwatch.GetElapsedTime(started));
            foreach (var command in commands) command.Complete();
        }
        else _committed.Add(new CommittedBatch(commands, started));
    }

    /// <summary>
    /// The fsync thread: each fsync covers every transaction committed before it began, so it completes all of them.
    /// If it fails, their callers fail too: the writes are in the database, but nobody is told they are safe.
    /// </summary>
    private void Sync()
    {
        var group = new List<CommittedBatch>();
        foreach (var first in _committed.GetConsumingEnumerable())
        {
            group.Add(first);
            while (_committed.TryTake(out var next)) group.Add(next);
            try
            {
                _store.ForceToDisk();
                foreach (var (commands, started) in group)
                {
                    _metrics?.Committed(commands.Length, Stopwatch.GetElapsedTime(started));
                    foreach (var command in commands) command.Complete();
                }
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "Forcing {Count} committed transactions to disk failed; their callers are told the write failed", group.Count);
                foreach (var command in group.SelectMany(b => b.Commands)) command.Fail(ex);
            }
            group.Clear();
        }
    }

    private readonly record struct CommittedBatch(IWriteCommand[] Commands, long Started);

    private void Rollback()
    {
        _store.StopDeferringRollups();
        _store.ForgetTransactionReads();
        _store.ForgetKept();
        _store.Db.Rollback();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _pending.CompleteAdding();
        _thread.Join();
        _committed.CompleteAdding();
        _syncer?.Join();
        _pending.Dispose();
        _committed.Dispose();
    }

    private int _disposed;

    private interface IWriteCommand
    {
        void Execute(LiteStore store);
        void Complete();
        void Fail(Exception ex);
    }

    private sealed class WriteCommand<T>(Func<LiteStore, T> command) : IWriteCommand
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;
        public void Execute(LiteStore store) => _result = command(store);
        public void Complete() => _done.TrySetResult(_result);
        public void Fail(Exception ex) => _done.TrySetException(ex);
    }
}
