using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace BabySea.Appliance.Api.OpenApi;

/// <summary>The envelope schemas every operation refers to, built from the same facts the envelopes are written from.</summary>
public static class EnvelopeSchemas
{
    public const string Success = "SuccessEnvelope";
    public const string Page = "PageFields";
    public const string Error = "ErrorEnvelope";

    public static IEnumerable<(string Id, IOpenApiSchema Schema)> All()
    {
        yield return (Success, Object(
            ("status", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("success")] }),
            ("request_id", RequestId()),
            ("message", new OpenApiSchema { Type = JsonSchemaType.String, Description = "What was done, in words." }),
            ("timestamp", Timestamp()),
            ("data", new OpenApiSchema { Description = "The operation's payload." })));
        yield return (Page, Object(
            ("total", Integer("Items in the whole list.")),
            ("limit", Integer("Items asked for.")),
            ("offset", Integer("Items skipped."))));
        yield return (Error, ErrorEnvelope());
    }

    public static IOpenApiSchema Ref(string id, OpenApiDocument? document) => new OpenApiSchemaReference(id, document);

    /// <summary>The success envelope with <paramref name="data"/> as its <c>data</c>.</summary>
    public static IOpenApiSchema Around(IOpenApiSchema? data, bool paged, OpenApiDocument? document)
    {
        var schema = new OpenApiSchema { AllOf = [Ref(Success, document), Object(("data", data ?? new OpenApiSchema()))] };
        if (paged) schema.AllOf.Add(Ref(Page, document));
        return schema;
    }

    /// <summary>An error envelope as the appliance writes it for <paramref name="code"/>, for examples.</summary>
    public static JsonNode Example(BseCode code) => new JsonObject
    {
        ["status"] = "error",
        ["request_id"] = "req_01JD6Y8ZQ4M2W3X5V7B9N1P3R5",
        ["timestamp"] = "2026-12-02T10:00:00.000Z",
        ["error"] = new JsonObject
        {
            ["code"] = BseCatalog.Format(code),
            ["type"] = BseCatalog.For(code).Type,
            ["message"] = $"A {BseCatalog.For(code).Type.Replace('_', ' ')} error.",
            ["retryable"] = BseCatalog.For(code).Retryable,
        },
    };

    private static OpenApiSchema ErrorEnvelope()
    {
        var codes = BseCatalog.Codes.Order().ToArray();
        var error = Object(
            ("code", new OpenApiSchema
            {
                Type = JsonSchemaType.String, Description = "The BSE code: the cause, stable across versions.",
                Enum = [.. codes.Select(c => (JsonNode)JsonValue.Create(BseCatalog.Format(c)))],
            }),
            ("type", new OpenApiSchema
            {
                Type = JsonSchemaType.String, Description = "The code's name.",
                Enum = [.. codes.Select(c => BseCatalog.For(c).Type).Distinct().Select(t => (JsonNode)JsonValue.Create(t))],
            }),
            ("message", new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, for people." }),
            ("retryable", new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Whether the same request may succeed later." }));
        error.Properties!["details"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object, Description = "Facts about the error, e.g. `field` for invalid input, `retry_after_seconds` for rate limits.",
        };
        var envelope = Object(
            ("status", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("error")] }),
            ("request_id", RequestId()),
            ("timestamp", Timestamp()),
            ("error", error));
        envelope.Examples = [Example(BseCode.InvalidInput)];
        return envelope;
    }

    private static OpenApiSchema Object(params (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Properties = properties.ToDictionary(p => p.Name, p => p.Schema),
        Required = properties.Select(p => p.Name).ToHashSet(),
    };

    private static OpenApiSchema RequestId() => new()
        { Type = JsonSchemaType.String, Description = "req_ and a time-ordered id; also the X-Request-Id header.", Pattern = "^req_" };

    private static OpenApiSchema Timestamp() => new() { Type = JsonSchemaType.String, Format = "date-time" };

    private static OpenApiSchema Integer(string description) => new() { Type = JsonSchemaType.Integer, Description = description };
}
