using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BabySea.Appliance.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace BabySea.Appliance.Tests.Api;

public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private string _text = "";
    private JsonObject _document = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        // Readable without any credentials: it describes the API, not this appliance's data.
        using var anonymous = _app.NewClient(apiKey: null);
        using var response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _text = await response.Content.ReadAsStringAsync();
        _document = JsonNode.Parse(_text)!.AsObject();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Document_EveryMappedV1AndAdminRoute_IsDescribedWithItsMethod()
    {
        var routes = ((IEndpointRouteBuilder)_app.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } p && (p.StartsWith("/v1/", StringComparison.Ordinal) || p.StartsWith("/admin/v1/", StringComparison.Ordinal)))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Path: DocumentPath(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToArray();
        Assert.True(routes.Length > 70, $"only {routes.Length} routes found");

        var paths = _document["paths"]!.AsObject();
        var missing = routes.Where(r => paths[r.Path]?[r.Method] is null).Select(r => $"{r.Method} {r.Path}").ToArray();
        Assert.True(missing.Length == 0, "not in the document: " + string.Join(", ", missing));
    }

    [Fact]
    public void Document_ParsesAsOpenApi31_WithoutErrors_AndEveryRefResolves()
    {
        Assert.StartsWith("3.1", (string)_document["openapi"]!);
        var settings = new OpenApiReaderSettings();
        var read = OpenApiDocument.Parse(_text, "json", settings);
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.NotNull(read.Document);
        Assert.Empty(read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);

        var refs = Refs(_document).ToArray();
        Assert.NotEmpty(refs);
        foreach (var reference in refs)
        {
            Assert.StartsWith("#/", reference);
            JsonNode? node = _document;
            foreach (var segment in reference[2..].Split('/')) node = node?[segment.Replace("~1", "/").Replace("~0", "~")];
            Assert.True(node is not null, $"{reference} does not resolve");
        }
    }

    [Fact]
    public void Document_EveryOperation_HasItsSuccessEnvelope_ErrorEnvelopes_AndSecurity()
    {
        foreach (var (path, item) in _document["paths"]!.AsObject())
        foreach (var (method, op) in item!.AsObject())
        {
            var where = $"{method} {path}";
            var responses = op!["responses"]!.AsObject();
            var ok = responses["200"]?["content"]?.AsObject().First().Value?["schema"];
            Assert.True(ok is not null, $"{where} has no 200 answer");
            if (path != "/metrics")
                Assert.Contains(ok!["allOf"]!.AsArray(), s => (string?)s?["$ref"] == "#/components/schemas/SuccessEnvelope");

            var errors = responses.Where(r => r.Key[0] == '4').ToArray();
            Assert.True(errors.Length > 0, $"{where} lists no 4xx");
            Assert.All(errors, e => Assert.Equal("#/components/schemas/ErrorEnvelope", (string?)e.Value!["content"]!["application/json"]!["schema"]!["$ref"]));
            Assert.Contains(responses, r => r.Key == "401");

            var security = op["security"]!.AsArray().Single()!.AsObject().Single();
            Assert.Equal(path.StartsWith("/v1/", StringComparison.Ordinal) ? "ApiKey" : "AdminToken", security.Key);
        }
    }

    [Fact]
    public void Document_NamesTheScopesOfEachRoute_AndTheGenerationRequest()
    {
        var create = _document["paths"]!["/v1/generate/image/{model}"]!["post"]!;
        Assert.Equal(["generation:write"], create["security"]![0]!["ApiKey"]!.AsArray().Select(s => (string)s!).ToArray());
        Assert.NotNull(create["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!["generation_prompt"]);
        foreach (var status in new[] { "402", "409", "429", "503" }) Assert.NotNull(create["responses"]![status]);
        Assert.Contains("BSE1004", (string)create["responses"]!["402"]!["description"]!);

        var cancel = _document["paths"]!["/v1/content/generation/cancel/{generationId}"]!["post"]!;
        Assert.Equal(["generation:delete"], cancel["security"]![0]!["ApiKey"]!.AsArray().Select(s => (string)s!).ToArray());
        Assert.Contains("BSE3001", (string)cancel["responses"]!["404"]!["description"]!);

        var createAccount = _document["paths"]!["/admin/v1/accounts"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.True(createAccount["$ref"] is not null || createAccount["properties"]?["plan"] is not null, createAccount.ToJsonString());

        var codes = _document["components"]!["schemas"]!["ErrorEnvelope"]!["properties"]!["error"]!["properties"]!["code"]!["enum"]!.AsArray();
        Assert.Contains(codes, c => (string?)c == "BSE4003");
    }

    /// <summary>A route template as OpenAPI writes it: <c>{**model}</c> and constraints become a plain <c>{model}</c>, no trailing slash.</summary>
    private static string DocumentPath(string pattern) => Parameter().Replace(pattern, m => "{" + m.Groups[1].Value + "}").TrimEnd('/');

    [GeneratedRegex(@"\{\**(\w+)[^}]*\}")]
    private static partial Regex Parameter();

    private static IEnumerable<string> Refs(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "$ref" ? [(string)p.Value!] : Refs(p.Value)),
        JsonArray a => a.SelectMany(Refs),
        _ => [],
    };
}
