namespace BabySea.Appliance.Accounts;

/// <summary>An audit entry of an account (reference §10 Activity): what happened, in which category, when.</summary>
public sealed record ActivityEntry(string Category, string Action, string Description, DateTimeOffset At);
