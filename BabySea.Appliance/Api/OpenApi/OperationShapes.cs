using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BabySea.Appliance.Api.OpenApi;

/// <summary>
/// Gives each operation what its route's metadata says: the success envelope around its <c>data</c>, its security
/// (API key with scopes, or the admin token) and every error it can answer with, grouped by HTTP status.
/// </summary>
internal static partial class OperationShapes
{
    public static async Task ApplyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document;
        operation.Responses ??= new OpenApiResponses();
        if (metadata.OfType<SuccessData>().LastOrDefault() is { } success
            && operation.Responses.TryGetValue("200", out var ok) && ok.Content?.TryGetValue("application/json", out var media) == true)
            media.Schema = EnvelopeSchemas.Around(media.Schema, success.Paged, document);

        if (metadata.OfType<RequestBody>().LastOrDefault() is { } body)
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct) } },
            };
        if (metadata.OfType<GenerationRequestSchema.Marker>().Any())
        {
            operation.RequestBody = GenerationRequestSchema.Body();
            operation.Parameters ??= [];
            operation.Parameters.Add(GenerationRequestSchema.IdempotencyKey());
        }

        var scopes = metadata.OfType<RequiredScopes>().LastOrDefault();
        var admin = metadata.OfType<AdminTokenRequired>().Any();
        if (scopes is not null || admin)
        {
            var scheme = new OpenApiSecuritySchemeReference(admin ? ApiDocument.AdminTokenScheme : ApiDocument.ApiKeyScheme, document);
            operation.Security = [new OpenApiSecurityRequirement { [scheme] = admin ? [] : [.. scopes!.Scopes] }];
            if (scopes is { Scopes.Count: > 0 })
                operation.Description = $"Needs an API key with {string.Join(" and ", scopes.Scopes.Select(s => $"`{s}`"))}. {operation.Description}".Trim();
        }

        var codes = Errors(context, scopes, admin, metadata.OfType<RouteErrors>().SelectMany(e => e.Codes));
        foreach (var group in codes.GroupBy(c => BseCatalog.For(c).Status).OrderBy(g => g.Key))
            operation.Responses[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = string.Join("; ", group.Select(c => $"{BseCatalog.Format(c)} {BseCatalog.For(c).Type}")),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = EnvelopeSchemas.Ref(EnvelopeSchemas.Error, document),
                        Examples = group.ToDictionary(BseCatalog.Format, c => (IOpenApiExample)new OpenApiExampleReference(BseCatalog.Format(c), document)),
                    },
                },
            };
    }

    /// <summary>What a route can answer with: implied by its authentication, its path parameters and its body, plus what it declares.</summary>
    private static SortedSet<BseCode> Errors(OpenApiOperationTransformerContext context, RequiredScopes? scopes, bool admin, IEnumerable<BseCode> declared)
    {
        var codes = new SortedSet<BseCode>(declared) { BseCode.InvalidInput, BseCode.InternalError, BseCode.StorageUnavailable };
        if (scopes is not null || admin) codes.UnionWith([BseCode.AuthenticationRequired, BseCode.AuthenticationFailed, BseCode.AuthRateLimited]);
        if (scopes is not null) codes.UnionWith([BseCode.IpNotAllowed, BseCode.RateLimitExceeded]);
        if (scopes is { Scopes.Count: > 0 }) codes.Add(BseCode.InsufficientPermissions);
        if (context.Description.ActionDescriptor.EndpointMetadata.Any(m => m is RequestBody or GenerationRequestSchema.Marker)) codes.Add(BseCode.PayloadTooLarge);
        foreach (Match parameter in PathParameter().Matches(context.Description.RelativePath ?? ""))
            codes.Add(parameter.Groups[1].Value switch
            {
                "accountId" => BseCode.AccountNotFound,
                "generationId" => BseCode.GenerationNotFound,
                "model" => BseCode.ModelNotFound,
                _ => BseCode.RouteNotFound,
            });
        return codes;
    }

    [GeneratedRegex(@"\{\**(\w+)")]
    private static partial Regex PathParameter();
}
