using System.Text.Json;

namespace BabySea.Appliance.Routing.Catalog;

/// <summary>
/// How one provider serves one model: its own model id, and how unified request fields become its native
/// parameters (names, value translations and constant extras), so adapters map requests from data.
/// </summary>
public sealed record ProviderBinding(
    string Provider,
    string Model,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> Values,
    IReadOnlyDictionary<string, JsonElement> Fixed);
