using System.Diagnostics;
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
        var metrics = app.Services.GetRequiredService<ApiMetrics>();
        app.Use(async (http, next) =>
        {
            RequestIds.Assign(http, RequestIds.New(time.GetUtcNow()));
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
                // The framework answers some requests with a bare status and no body (a route that exists for
                // another method, or a path that looks like a file name, is a 404 from endpoint routing): those get
                // the envelope like every other error.
                if (!http.Response.HasStarted && ApiError.AnsweredWith(http) is null && BareStatus(http) is { } bare)
                    await bare.ExecuteAsync(http);
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
                log.LogError(ex, "Unhandled error on {Method} {Path} ({BabySeaRequestId})", http.Request.Method, http.Request.Path.Value, RequestIds.Get(http));
                http.Response.Clear();
                await new ApiError(BseCode.InternalError, "An internal error occurred. Retry later; the request id identifies it in the logs.").ExecuteAsync(http);
            }
            finally
            {
                metrics.Answered(http, Stopwatch.GetElapsedTime(started));
            }
        });
    }

    private static ApiError? BareStatus(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed => RouteNotFound(http),
        StatusCodes.Status400BadRequest => ApiError.Field("body", "The request could not be read."),
        StatusCodes.Status413PayloadTooLarge => new ApiError(BseCode.PayloadTooLarge, $"The request body is larger than {JsonBody.MaxBytes / 1024} KB."),
        _ => null,
    };

    private static ApiError RouteNotFound(HttpContext http)
        => new ApiError(BseCode.RouteNotFound, $"No route {http.Request.Method} {http.Request.Path.Value}.").With("path", http.Request.Path.Value ?? "");

    public static void MapRouteNotFound(this WebApplication app) => app.MapFallback((HttpContext http) => RouteNotFound(http));

    /// <summary>Kestrel's own cap sits above the API's 100 KB so that oversized JSON still gets a BSE2010 envelope.</summary>
    public static void LimitBodies(this WebApplication app)
        => app.Use((http, next) =>
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } f) f.MaxRequestBodySize = 1024 * 1024;
            return next(http);
        });
}
