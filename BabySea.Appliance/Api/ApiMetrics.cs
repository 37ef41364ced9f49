using System.Diagnostics.Metrics;

namespace BabySea.Appliance.Api;

/// <summary>
/// Requests as the API answered them. Labels stay bounded whatever callers send: the route is the matched template
/// (never the raw path), an unknown method is <c>other</c>.
/// </summary>
public sealed class ApiMetrics
{
    private static readonly HashSet<string> KnownMethods = new(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], StringComparer.Ordinal);

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public ApiMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("BabySea.Appliance.Api");
        _requests = meter.CreateCounter<long>("babysea.http.requests", "{request}",
            "HTTP requests answered, by method, route template and status code.");
        _duration = meter.CreateHistogram<double>("babysea.http.request.duration", "s",
            "Time from a request's arrival to its answer, by method and route template.");
    }

    public void Answered(HttpContext http, TimeSpan elapsed)
    {
        var method = KnownMethods.Contains(http.Request.Method) ? http.Request.Method : "other";
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
        _requests.Add(1, new("method", method), new("route", route), new("status", http.Response.StatusCode));
        _duration.Record(elapsed.TotalSeconds, new("method", method), new("route", route));
    }
}
