namespace BabySea.Appliance.Webhooks;

/// <summary>
/// The states of a delivery. <c>pending</c> is the dispatcher's (quick attempts), <c>failed</c> the retrier's (its
/// quick attempts all failed; it is re-sent on the growing schedule); <c>held</c> waits for a disabled endpoint.
/// The rest are final: <c>delivered</c> (a 2xx), <c>exhausted</c> (the retry window ran out), <c>expired</c> (held
/// past the hold window), <c>released</c> (held, then re-sent as a new delivery when its endpoint was enabled),
/// <c>canceled</c> (its endpoint was deleted).
/// </summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Failed = "failed";
    public const string Held = "held";
    public const string Delivered = "delivered";
    public const string Exhausted = "exhausted";
    public const string Expired = "expired";
    public const string Released = "released";
    public const string Canceled = "canceled";
}
