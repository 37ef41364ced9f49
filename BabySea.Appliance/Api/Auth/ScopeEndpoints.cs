namespace BabySea.Appliance.Api.Auth;

/// <summary>Puts a route behind an API key with a scope; the handler then reads <see cref="Caller"/>.</summary>
public static class ScopeEndpoints
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
        => builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var auth = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
            var (caller, error) = auth.Authenticate(http, scope);
            if (error is not null) return error;
            caller!.AttachTo(http);
            return await next(context);
        });
}
