using BabySea.Appliance.Cli;
using BabySea.Appliance.Storage;

try
{
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);
}
catch (DataFolderLockedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return ExitCodes.DataFolderInUse;
}
catch (Exception ex) when (ex is InvalidOperationException or FormatException or IOException)
{
    // Configuration mistakes stop start-up with their message, not a stack trace.
    Console.Error.WriteLine($"babysea-appliance: {ex.Message}");
    return ExitCodes.Failed;
}
