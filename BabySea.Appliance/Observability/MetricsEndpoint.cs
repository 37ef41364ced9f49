using BabySea.Appliance.Api.Admin;

namespace BabySea.Appliance.Observability;

/// <summary>
/// <c>GET /metrics</c> on the API listener, behind the admin token: the numbers tell how busy the appliance is, which
/// providers fail and how much money moves, which is the operator's business only.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static void MapMetrics(this WebApplication app)
    {
        // Resolved now, before the server starts, so that no measurement made before the first scrape is missed.
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        app.MapGroup(Path).RequireAdminToken()
            .MapGet("", () => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType))
            .WithName("Metrics")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
    }
}
