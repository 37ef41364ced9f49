namespace BabySea.Appliance.Cli;

/// <summary>
/// What the binary's exit code means, the same for every verb and for serving (README, "Exit codes"). A service
/// manager restarts on none of 1–3: each would only happen again.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The operation was refused (its error envelope is printed), <c>verify</c> found a violation, or a setting stopped start-up.</summary>
    public const int Failed = 1;

    /// <summary>The command line itself: an unknown verb or flag, a missing or malformed value.</summary>
    public const int Usage = 2;

    /// <summary>Another appliance process holds the data folder.</summary>
    public const int DataFolderInUse = 3;
}
