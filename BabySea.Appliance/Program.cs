using BabySea.Appliance.Cli;
using BabySea.Appliance.Hosting;
using BabySea.Appliance.Storage;

try
{
    if (args.Length > 0 && CommandLine.IsVerb(args[0])) return await CommandLine.RunAsync(args, Console.Out, Console.Error);
    if (args.Length > 0 && args[0] == "emulate")
    {
        await EmulatorHost.Build(args[1..]).RunAsync();
        return 0;
    }
    var app = AppHost.Build(args);
    await AppHost.RunAsync(app, Console.Out);
    return 0;
}
catch (DataFolderLockedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (Exception ex) when (ex is InvalidOperationException or FormatException or IOException)
{
    // Configuration mistakes stop start-up with their message, not a stack trace.
    Console.Error.WriteLine($"babysea-appliance: {ex.Message}");
    return 1;
}
