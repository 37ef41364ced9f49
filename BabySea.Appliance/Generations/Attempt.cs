using BabySea.Appliance.Api;

namespace BabySea.Appliance.Generations;

/// <summary>
/// One try on one provider. It is written before the submit is sent (<see cref="AttemptOutcome.Submitting"/>),
/// so after a crash the appliance knows whether a provider may already hold a paid job for it.
/// </summary>
public sealed record Attempt(
    int Number,
    string Provider,
    string ProviderModel,
    AttemptOutcome Outcome,
    string? JobId,
    string? PollUrl,
    string? CancelUrl,
    BseCode? ErrorCode,
    string? ErrorMessage,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FinishedAt,
    bool Wasted);

public enum AttemptOutcome { Submitting, Running, Used, Failed, Canceled, Abandoned }
