using System.Text.Json.Nodes;
using BabySea.Appliance.Api.Idempotency;
using Microsoft.OpenApi;

namespace BabySea.Appliance.Api.OpenApi;

/// <summary>
/// The body of a create. Handlers read it as free JSON and check it against the model's schema, so its shape is
/// written here from the unified fields; which values a model allows is in <c>/v1/library/models</c>.
/// </summary>
public static class GenerationRequestSchema
{
    public sealed record Marker
    {
        public static readonly Marker Instance = new();
    }

    public static OpenApiRequestBody Body() => new()
    {
        Required = true,
        Description = "Unified fields; a model's `specific_schema` may name more. Unknown fields are BSE2001.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["generation_prompt"] = Text("What to generate (required by most models; at most 5000 characters)."),
                        ["generation_ratio"] = Text("Aspect ratio, e.g. 16:9; the model's allowed ratios."),
                        ["generation_output_format"] = Text("png, jpg, webp or mp4, as the model allows."),
                        ["generation_output_number"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Description = "Outputs to make." },
                        ["generation_input_file"] = new OpenApiSchema
                            { Type = JsonSchemaType.Array, Items = Text("An http(s) URL or a data: URL."), Description = "Input images." },
                        ["generation_input_file_last_content"] = Text("Last frame, for models that take one."),
                        ["generation_duration"] = new OpenApiSchema { Type = JsonSchemaType.Number, Description = "Video length in seconds (video models only)." },
                        ["generation_resolution"] = Text("Video resolution, e.g. 720p."),
                        ["generation_generate_audio"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Video with audio." },
                        ["generation_provider_order"] = Text("fastest (default), or providers by id, comma-separated, in the order to try."),
                    },
                    AdditionalPropertiesAllowed = true,
                },
                Example = new JsonObject
                {
                    ["generation_prompt"] = "a harbour seal on pack ice at dawn",
                    ["generation_ratio"] = "16:9",
                    ["generation_output_format"] = "png",
                },
            },
        },
    };

    public static OpenApiParameter IdempotencyKey() => new()
    {
        Name = IdempotencyKeys.Header,
        In = ParameterLocation.Header,
        Description = "Makes a retried create safe: the same key and body within 24 h replays the first answer (Idempotency-Replayed: true).",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
