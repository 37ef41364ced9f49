using System.Text.Json;

namespace BabySea.Appliance.Routing.Catalog;

/// <summary>
/// How one provider serves one model: its own model id, and how unified request fields become its native
/// parameters (names, value translations and constant extras), so adapters map requests from data.
/// <see cref="OmitWithInput"/> names native parameters that only the provider's text-only endpoint takes: where a
/// provider serves input files on a sibling endpoint with a narrower schema (fal's image-to-video apps have no
/// <c>aspect_ratio</c>, the frame gives the shape), those are left out of requests that carry files.
/// </summary>
public sealed record ProviderBinding(
    string Provider,
    string Model,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> Values,
    IReadOnlyDictionary<string, JsonElement> Fixed,
    IReadOnlyList<string> OmitWithInput);
