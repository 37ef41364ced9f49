using BabySea.Appliance.Hosting;

namespace BabySea.Appliance.Dashboard;

/// <summary>
/// Serves the dashboard at <c>/dashboard/</c> and the playground at <c>/playground/</c> (one page shell; the script
/// picks the view from the path), with <c>/</c> redirecting to the dashboard. Every answer carries a strict
/// Content-Security-Policy: scripts and styles only from this origin (no inline code), data only from this origin's
/// API, images and video also from the public origin of output links when one is configured.
/// </summary>
public static class DashboardEndpoints
{
    private const string Shell = "index.html";

    public static void MapDashboard(this WebApplication app)
    {
        var assets = app.Services.GetRequiredService<DashboardAssets>();
        var csp = Policy(app.Services.GetRequiredService<ApplianceSettings>().PublicBaseUrl);

        app.MapGet("/", () => Results.Redirect("/dashboard/"));
        app.MapGet("/dashboard/{**path}", (HttpContext http, string? path) => string.IsNullOrEmpty(path) ? ShellAt(http, "/dashboard/", assets, csp) : Serve(http, assets, csp, path));
        app.MapGet("/playground", (HttpContext http) => ShellAt(http, "/playground/", assets, csp));
    }

    // Routing ignores a trailing slash; the pages need it, since their relative links resolve against the folder.
    private static IResult ShellAt(HttpContext http, string folder, DashboardAssets assets, string csp)
        => http.Request.Path.Value == folder ? Serve(http, assets, csp, Shell) : Results.Redirect(folder);

    private static IResult Serve(HttpContext http, DashboardAssets assets, string csp, string path)
    {
        if (assets.Find(path) is not { } asset)
            return new Api.ApiError(Api.BseCode.RouteNotFound, $"No dashboard file '{path}'.").With("path", http.Request.Path.Value ?? "");
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = csp;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // File names carry no content hash, so browsers keep a copy but ask each time; an unchanged file is a 304.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    internal static string Policy(string? publicBaseUrl)
    {
        var media = "'self'";
        if (publicBaseUrl is not null && Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var origin))
            media += " " + origin.GetLeftPart(UriPartial.Authority);
        return $"default-src 'none'; script-src 'self'; style-src 'self'; img-src {media} data:; media-src {media}; connect-src 'self'; "
               + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }
}
