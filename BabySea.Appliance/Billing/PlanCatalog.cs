using System.Text.Json;

namespace BabySea.Appliance.Billing;

/// <summary>The plans operators can edit in <c>config/plans.json</c>, validated once at load.</summary>
public sealed class PlanCatalog
{
    private readonly Dictionary<string, Plan> _plans;

    public PlanCatalog(IEnumerable<Plan> plans, string defaultPlan, IReadOnlyList<decimal>? creditPacks = null)
    {
        CreditPacks = creditPacks ?? [];
        _plans = plans.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);
        if (!_plans.ContainsKey(defaultPlan))
            throw new InvalidOperationException($"plans.json: default_plan '{defaultPlan}' is not one of the plans.");
        DefaultPlan = _plans[defaultPlan];
    }

    public Plan DefaultPlan { get; }
    public IReadOnlyList<decimal> CreditPacks { get; }
    public IReadOnlyCollection<Plan> All => _plans.Values;

    public Plan? Find(string id) => _plans.GetValueOrDefault(id);

    public Plan Get(string id) => Find(id) ?? DefaultPlan;

    public static PlanCatalog Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var plans = new List<Plan>();
        foreach (var p in root.GetProperty("plans").EnumerateArray())
        {
            var id = p.GetProperty("id").GetString()!;
            string Where(string key) => $"plans.json: plan '{id}' {key}";
            plans.Add(new Plan(
                id,
                p.GetProperty("name").GetString() ?? id,
                Required(p, "monthly_credits", Where).GetDecimal(),
                Required(p, "welcome_credits", Where).GetDecimal(),
                Required(p, "max_in_flight_images", Where).GetInt32(),
                Required(p, "max_in_flight_videos", Where).GetInt32(),
                Required(p, "requests_per_minute", Where).GetInt32(),
                ReadRetention(Required(p, "retention", Where), Where)));
        }
        var packs = root.TryGetProperty("credit_packs", out var cp) ? cp.EnumerateArray().Select(x => x.GetDecimal()).ToArray() : [];
        return new PlanCatalog(plans, root.GetProperty("default_plan").GetString()!, packs);
    }

    private static Retention ReadRetention(JsonElement r, Func<string, string> where)
    {
        TimeSpan Window(string key) => Retention.ParseWindow(Required(r, key, k => where($"retention is missing '{k}'.")).GetString() ?? "", where($"retention.{key}"));
        return new Retention(Window("output_files"), Window("generations"), Window("request_logs"), Window("webhook_deliveries"), Window("activity"),
            Window("ledger"));
    }

    private static JsonElement Required(JsonElement e, string key, Func<string, string> where)
        => e.TryGetProperty(key, out var v) ? v : throw new InvalidOperationException(where($"is missing '{key}'."));
}
