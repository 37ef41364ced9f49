using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace BabySea.Appliance.Tests.Support;

/// <summary>Reflection is off in this project (as in the native binary), so test bodies go through JsonNode.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class TestJson : JsonSerializerContext
{
    public static string Serialize(object body) => body switch
    {
        JsonNode node => node.ToJsonString(),
        string s => s,
        _ => throw new ArgumentException("Pass a JsonNode or a JSON string."),
    };
}
