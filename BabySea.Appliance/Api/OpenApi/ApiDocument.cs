using System.Text.Json;
using System.Text.Json.Serialization;
using BabySea.Appliance.Observability;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BabySea.Appliance.Api.OpenApi;

/// <summary>
/// The OpenAPI 3.1 description of <c>/v1</c>, <c>/admin/v1</c> and <c>/metrics</c>, served at <see cref="Path"/> without
/// authentication: it says what the README says and reveals nothing about this appliance's data. Handlers answer with
/// their own envelopes, so the shapes come from route metadata (<see cref="RouteDocs"/>) and the auth filters' markers.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";
    public const string ApiKeyScheme = "ApiKey";
    public const string AdminTokenScheme = "AdminToken";

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
        => services
            // Schemas are generated through the framework's JSON options. Handlers always write through AppJsonContext
            // itself; these options only need to spell names and numbers the same way, so the schemas show the wire format.
            .ConfigureHttpJsonOptions(o =>
            {
                o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
                o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            })
            .AddOpenApi("v1", options =>
            {
                options.ShouldInclude = d => d.RelativePath is { } p
                    && (p.StartsWith("v1/", StringComparison.Ordinal) || p.StartsWith("admin/v1/", StringComparison.Ordinal)
                        || p == MetricsEndpoint.Path[1..]);
                options.AddOperationTransformer(OperationShapes.ApplyAsync);
                options.AddDocumentTransformer((document, _, _) =>
                {
                    Describe(document);
                    return Task.CompletedTask;
                });
            });

    public static void MapApiDocument(this WebApplication app) => app.MapOpenApi(Path.Replace("v1.json", "{documentName}.json"));

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "BabySea Appliance API",
            Version = "v1",
            Description = "The hosted BabySea `/v1` API as this appliance serves it, and the operator's `/admin/v1` API. Every success is "
                + "`{status: \"success\", request_id, message, timestamp, data}` (lists add `total`, `limit`, `offset`); every error is the "
                + "BSE envelope (`ErrorEnvelope`), whose `error.code` names the cause and `error.retryable` says whether the same request may "
                + "succeed later. `/v1` takes an API key (`Authorization: Bearer bye_...`) holding the scopes each operation lists; "
                + "`/admin/v1` and `/metrics` take the admin token. Every answer carries `X-Request-Id`.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "bye_ API key",
            Description = "An account's API key. Each operation lists the scopes the key must hold (generation:write, generation:read, "
                + "generation:delete, account:read, health:read, library:read; presets full_access, generate_only, read_only, monitor_only).",
        };
        document.Components.SecuritySchemes[AdminTokenScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The operator's admin token (BABYSEA_ADMIN_TOKEN, or <data>/admin-token).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (id, schema) in EnvelopeSchemas.All()) document.Components.Schemas[id] = schema;
        // One example per BSE code, which each operation's error answers refer to.
        document.Components.Examples ??= new Dictionary<string, IOpenApiExample>();
        foreach (var code in BseCatalog.Codes)
            document.Components.Examples[BseCatalog.Format(code)] = new OpenApiExample { Summary = BseCatalog.For(code).Type, Value = EnvelopeSchemas.Example(code) };
    }
}
