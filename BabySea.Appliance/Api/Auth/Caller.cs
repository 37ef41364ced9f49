using BabySea.Appliance.Accounts;

namespace BabySea.Appliance.Api.Auth;

/// <summary>
/// Who is calling: the authenticated key and the account it belongs to. Both may come from the
/// <see cref="CredentialCache"/>, so the account's balance can be that many seconds old: money is read with
/// <see cref="CurrentAccountAsync"/>.
/// </summary>
public sealed record Caller(Account Account, ApiKey Key)
{
    /// <summary>The account as stored now (as authenticated, if it has gone since).</summary>
    public async Task<Account> CurrentAccountAsync(IAccountStore accounts, CancellationToken ct) => await accounts.FindAccountAsync(Account.Id, ct) ?? Account;

    private const string ItemKey = "babysea.caller";

    public void AttachTo(HttpContext http) => http.Items[ItemKey] = this;

    public static Caller? Of(HttpContext http) => http.Items[ItemKey] as Caller;

    public static Caller From(HttpContext http) => Of(http) ?? throw new InvalidOperationException("The endpoint has no scope requirement.");
}
