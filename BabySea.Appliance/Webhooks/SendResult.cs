namespace BabySea.Appliance.Webhooks;

/// <summary>What one attempt got: a status code or an error, and how long it took.</summary>
public sealed record SendResult(int? StatusCode, string? Error, double LatencyMs)
{
    /// <summary>Only a 2xx acknowledges a delivery; a 3xx is a failure (redirects are not followed).</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>410 Gone: the receiver says the endpoint no longer exists.</summary>
    public bool Gone => StatusCode == 410;
}
