using BabySea.Appliance.Generations;
using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// Word of released leases between the nodes on one database: <c>NOTIFY</c> on one channel, and one pooled connection
/// per node held in <c>LISTEN</c> for the node's life (started at the first wait), reconnecting after a lost connection.
/// A missed word costs nothing but time: the worker's regular look finds the work anyway.
/// </summary>
public sealed class PgReleasedWorkSignal(PgDatabase db, ILogger<PgReleasedWorkSignal> log) : IReleasedWorkSignal, IAsyncDisposable
{
    private const string Channel = "babysea_released_work";

    private readonly SemaphoreSlim _heard = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Task? _listening;

    public async Task NotifyAsync(CancellationToken ct)
    {
        await using var connection = await db.Source.OpenConnectionAsync(ct);
        await connection.Command($"NOTIFY {Channel}").RunAsync(ct);
    }

    public Task WaitAsync(CancellationToken ct)
    {
        lock (_lock) _listening ??= Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        return _heard.WaitAsync(ct);
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.Source.OpenConnectionAsync(stopping);
                connection.Notification += (_, _) => Heard();
                await connection.Command($"LISTEN {Channel}").RunAsync(stopping);
                while (true) await connection.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                log.LogWarning(ex, "Listening for released work stopped; listening again in a second");
                try { await Task.Delay(TimeSpan.FromSeconds(1), stopping); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private void Heard()
    {
        if (_heard.CurrentCount > 0) return;
        try { _heard.Release(); }
        catch (SemaphoreFullException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_listening is { } listening) await listening;
        _stopping.Dispose();
    }
}
