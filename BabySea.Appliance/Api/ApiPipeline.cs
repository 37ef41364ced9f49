using Microsoft.AspNetCore.Http.Features;

namespace BabySea.Appliance.Api;

/// <summary>
/// What every request passes through: a request id (body and <c>X-Request-Id</c>), and one handler that turns
/// anything unexpected into BSE5001 without a stack trace. Unknown routes answer BSE3004 in the same envelope.
/// </summary>
public static class ApiPipeline
{
    public static void UseApiPipeline(this WebApplication app)
    {
        var time = app.Services.GetRequiredService<TimeProvider>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BabySea.Api");
        app.Use(async (http, next) =>
        {
            RequestIds.Assign(http, RequestIds.New(time.GetUtcNow()));
            try
            {
                await next(http);
                // The fallback route skips paths that look like file names (x.png): no endpoint answered, so say so here.
                if (http.Response.StatusCode == StatusCodes.Status404NotFound && !http.Response.HasStarted && http.GetEndpoint() is null)
                    await RouteNotFound(http).ExecuteAsync(http);
            }
            catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
            {
                var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? new ApiError(BseCode.PayloadTooLarge, $"The request body is larger than {JsonBody.MaxBytes / 1024} KB.")
                    : ApiError.Field("body", "The request could not be read.");
                await error.ExecuteAsync(http);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (!http.Response.HasStarted)
            {
                log.LogError(ex, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path.Value);
                http.Response.Clear();
                await new ApiError(BseCode.InternalError, "An internal error occurred. Retry later; the request id identifies it in the logs.").ExecuteAsync(http);
            }
        });
    }

    public static void MapRouteNotFound(this WebApplication app)
        => app.MapFallback((HttpContext http) => RouteNotFound(http));

    private static ApiError RouteNotFound(HttpContext http)
        => new ApiError(BseCode.RouteNotFound, $"No route {http.Request.Method} {http.Request.Path.Value}.").With("path", http.Request.Path.Value ?? "");

    /// <summary>Kestrel's own cap sits above the API's 100 KB so that oversized JSON still gets a BSE2010 envelope.</summary>
    public static void LimitBodies(this WebApplication app)
        => app.Use((http, next) =>
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } f) f.MaxRequestBodySize = 1024 * 1024;
            return next(http);
        });
}
