namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// The faults every emulator can rehearse, each answered the way its provider really answers it.
/// </summary>
public static class FaultKinds
{
    public const string Ok = "ok";
    /// <summary><c>latency:MS</c>: the job (or, for synchronous providers, the call) takes MS milliseconds.</summary>
    public const string Latency = "latency";
    /// <summary>Throttled, with the provider's own retry signal where it has one.</summary>
    public const string RateLimit = "rate_limit";
    public const string ServerError = "server_error";
    /// <summary>No capacity for the model right now.</summary>
    public const string Capacity = "capacity";
    /// <summary>The provider's service (or the operator's access to it) is paused.</summary>
    public const string Paused = "paused";
    /// <summary>The operator's provider account is out of credit.</summary>
    public const string NoCredits = "no_credits";
    /// <summary>The operator's key is refused.</summary>
    public const string BadKey = "bad_key";
    /// <summary>Content policy refuses the request at submit.</summary>
    public const string Moderation = "moderation";
    /// <summary>The job runs, then fails on content policy.</summary>
    public const string ModerationLate = "moderation_late";
    /// <summary>The provider rejects the parameters.</summary>
    public const string InvalidInput = "invalid_input";
    /// <summary>The provider answers 200 with a body that is not JSON.</summary>
    public const string MalformedJson = "malformed_json";
    /// <summary>The job stays running forever (synchronous providers: the call never answers).</summary>
    public const string NeverFinish = "never_finish";
    /// <summary>The job succeeds but its output link is already gone.</summary>
    public const string ExpiredOutput = "expired_output";
    /// <summary>The job succeeds but its output is not a decodable file.</summary>
    public const string CorruptOutput = "corrupt_output";

    public static readonly IReadOnlyList<string> All =
    [
        Ok, Latency, RateLimit, ServerError, Capacity, Paused, NoCredits, BadKey, Moderation, ModerationLate, InvalidInput,
        MalformedJson, NeverFinish, ExpiredOutput, CorruptOutput,
    ];
}
