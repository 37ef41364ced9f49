namespace BabySea.Appliance.Storage;

/// <summary>Writes realistic history through the engine's own row writers, for benchmarks, demos and browser tests.</summary>
public interface IHistorySeeder
{
    Task<SeededHistory> SeedAsync(int accounts, int generations, int requestLogs, int days, string plan, Action<string> progress, CancellationToken ct);
}

public sealed record SeededHistory(int Accounts, int Generations, int RequestLogs, TimeSpan Elapsed);
