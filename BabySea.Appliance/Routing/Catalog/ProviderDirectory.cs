using System.Text.Json;

namespace BabySea.Appliance.Routing.Catalog;

/// <summary>The provider library read from <c>config/providers.json</c>.</summary>
public sealed class ProviderDirectory(IReadOnlyList<ProviderInfo> providers)
{
    public IReadOnlyList<ProviderInfo> Providers { get; } = providers;

    public ProviderInfo? Find(string id) => Providers.FirstOrDefault(p => p.Id == id);

    public static ProviderDirectory Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var list = new List<ProviderInfo>();
        foreach (var p in doc.RootElement.GetProperty("providers").EnumerateArray())
        {
            string? Opt(string key) => p.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var id = Opt("provider_id") ?? throw new InvalidOperationException("providers.json: an entry has no provider_id");
            if (!ModelCatalog.KnownProviders.Contains(id)) throw new InvalidOperationException($"providers.json: '{id}' is not a known provider");
            list.Add(new ProviderInfo(id, Opt("provider_name") ?? id, Opt("provider_description") ?? "", Opt("provider_website") ?? "",
                Opt("provider_docs") ?? "", Opt("delivery_method") ?? "polling", Opt("cancel_method"), Opt("webhook_verification"),
                p.TryGetProperty("supported_media_types", out var mt) ? mt.EnumerateArray().Select(x => x.GetString()!).ToArray() : ["image"],
                Opt("api_key_env") ?? ""));
        }
        return new ProviderDirectory(list);
    }
}
