using BabySea.Appliance.Accounts;

namespace BabySea.Appliance.Api.Auth;

/// <summary>Who is calling: the authenticated key and the account it belongs to.</summary>
public sealed record Caller(Account Account, ApiKey Key)
{
    private const string ItemKey = "babysea.caller";

    public void AttachTo(HttpContext http) => http.Items[ItemKey] = this;

    public static Caller? Of(HttpContext http) => http.Items[ItemKey] as Caller;

    public static Caller From(HttpContext http) => Of(http) ?? throw new InvalidOperationException("The endpoint has no scope requirement.");
}
