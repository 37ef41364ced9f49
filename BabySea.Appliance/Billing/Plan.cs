namespace BabySea.Appliance.Billing;

/// <summary>A plan from <c>config/plans.json</c> (reference §6.2): its monthly grant, its limits and how long it keeps history.</summary>
public sealed record Plan(
    string Id,
    string Name,
    decimal MonthlyCredits,
    decimal WelcomeCredits,
    int MaxInFlightImages,
    int MaxInFlightVideos,
    int RequestsPerMinute,
    Retention Retention);
