using System.Globalization;
using BabySea.Appliance.Api.OpenApi;
using BabySea.Appliance.Api.RateLimiting;
using BabySea.Appliance.Billing;

namespace BabySea.Appliance.Api.Auth;

/// <summary>
/// Puts a route behind an API key with a scope, then the account's rate limit (headers on every authenticated
/// answer); the handler then reads <see cref="Caller"/>.
/// </summary>
public static class ScopeEndpoints
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
        => builder.RequireScopes([scope]);

    /// <summary>A route that needs several scopes at once (account changes need every scope: a full-access key).</summary>
    public static TBuilder RequireScopes<TBuilder>(this TBuilder builder, IReadOnlyList<string> scopes) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RequiredScopes(scopes)).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var auth = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
            var (caller, error) = await auth.AuthenticateAsync(http, scopes);
            if (error is not null) return error;
            caller!.AttachTo(http);
            var limit = http.RequestServices.GetRequiredService<PlanCatalog>().Get(caller.Account.Plan).RequestsPerMinute;
            var decision = await http.RequestServices.GetRequiredService<AccountRateLimiter>().TakeAsync(caller.Account.Id, limit, http.RequestAborted);
            var headers = http.Response.Headers;
            headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Reset"] = decision.ResetUnixSeconds.ToString(CultureInfo.InvariantCulture);
            if (!decision.Allowed)
            {
                headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return new ApiError(BseCode.RateLimitExceeded, $"Rate limit of {decision.Limit} requests per minute exceeded for this account.")
                    .With("retry_after_seconds", decision.RetryAfterSeconds).With("limit", decision.Limit);
            }
            return await next(context);
        });
}
