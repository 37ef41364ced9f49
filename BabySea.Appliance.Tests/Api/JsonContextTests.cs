using BabySea.Appliance.Api;

namespace BabySea.Appliance.Tests.Api;

/// <summary>
/// Every payload and body type of the API is in the one source-generated context, which is all the native binary can
/// serialize: a type missing there would fail only under AOT, so it fails here first.
/// </summary>
public sealed class JsonContextTests
{
    [Fact]
    public void Every_api_payload_and_body_is_in_the_source_generated_context()
    {
        var types = typeof(AppJsonContext).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(AppJsonContext).Namespace && t.IsPublic && !t.IsAbstract && !t.IsGenericType
                        && (t.Name.EndsWith("Data", StringComparison.Ordinal) || t.Name.EndsWith("Body", StringComparison.Ordinal)))
            .ToArray();
        Assert.NotEmpty(types);
        var missing = types.Where(t => AppJsonContext.Default.GetTypeInfo(t) is null).Select(t => t.Name).ToArray();
        Assert.True(missing.Length == 0, "Not in AppJsonContext: " + string.Join(", ", missing));
    }
}
