namespace BabySea.Appliance.Tests.Webhooks;

/// <summary>Polls a condition until it holds or a real-time deadline passes: waits for work, never for the clock.</summary>
public static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what) => await TrueAsync(() => Task.FromResult(condition()), what);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for: {what}");
            await Task.Delay(15);
        }
    }
}
