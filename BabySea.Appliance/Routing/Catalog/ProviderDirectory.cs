using System.Text.Json;
using BabySea.Appliance.Generations;
using BabySea.Appliance.Providers;

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
            if (ProviderModules.Find(id) is not { } module) throw new InvalidOperationException($"providers.json: '{id}' is not a known provider");
            // The file describes; what a provider can do is the module's, so the two may not disagree.
            var delivery = Opt("delivery_method") ?? "polling";
            if ((delivery != "synchronous") != module.Can.Polls || (Opt("cancel_method") is not null) != module.Can.Cancels)
                throw new InvalidOperationException($"providers.json: {id}'s delivery_method or cancel_method disagrees with what its adapter does");
            list.Add(new ProviderInfo(id, Opt("provider_name") ?? id, Opt("provider_description") ?? "", Opt("provider_website") ?? "",
                Opt("provider_docs") ?? "", delivery, Opt("cancel_method"), Opt("webhook_verification"),
                module.Can.MediaTypes.Select(t => t.Name()).ToArray(), module.KeyEnvVar));
        }
        return new ProviderDirectory(list);
    }
}
