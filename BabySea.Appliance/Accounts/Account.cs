namespace BabySea.Appliance.Accounts;

/// <summary>A tenant: its plan and its materialised credit balance (always the sum of its ledger).</summary>
public sealed record Account(string Id, string Name, string Plan, decimal Balance, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
