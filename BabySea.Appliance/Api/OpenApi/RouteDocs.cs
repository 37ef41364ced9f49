namespace BabySea.Appliance.Api.OpenApi;

/// <summary>What a route declares for the API description: the <c>data</c> of its success envelope.</summary>
public sealed record SuccessData(Type Type, bool Paged);

/// <summary>The JSON body a route reads.</summary>
public sealed record RequestBody(Type Type);

/// <summary>Errors a route answers with beyond the ones its authentication and parameters already imply.</summary>
public sealed record RouteErrors(IReadOnlyList<BseCode> Codes);

/// <summary>A route that needs an API key holding these scopes (none: any valid key).</summary>
public sealed record RequiredScopes(IReadOnlyList<string> Scopes);

/// <summary>A route behind the admin token.</summary>
public sealed record AdminTokenRequired
{
    public static readonly AdminTokenRequired Instance = new();
}

/// <summary>Route metadata for the API description; handlers answer with their own envelopes, so nothing is inferred from them.</summary>
public static class RouteDocs
{
    /// <summary>The route answers 200 with the success envelope around <typeparamref name="TData"/> (plus total, limit, offset when paged).</summary>
    public static RouteHandlerBuilder Returns<TData>(this RouteHandlerBuilder builder, bool paged = false)
        => builder.Produces<TData>(StatusCodes.Status200OK, "application/json").WithMetadata(new SuccessData(typeof(TData), paged));

    /// <summary>
    /// The route reads a JSON body of <typeparamref name="TBody"/>. Described only: the framework's own accepts-metadata
    /// would make routing refuse a request without the content type, which the handler answers with a BSE error instead.
    /// </summary>
    public static RouteHandlerBuilder Takes<TBody>(this RouteHandlerBuilder builder) where TBody : notnull
        => builder.WithMetadata(new RequestBody(typeof(TBody)));

    /// <summary>The route reads a generation request (<see cref="GenerationRequestSchema"/>); the model decides which fields apply.</summary>
    public static RouteHandlerBuilder TakesGenerationRequest(this RouteHandlerBuilder builder)
        => builder.WithMetadata(GenerationRequestSchema.Marker.Instance);

    public static RouteHandlerBuilder Fails(this RouteHandlerBuilder builder, params BseCode[] codes)
        => builder.WithMetadata(new RouteErrors(codes));
}
