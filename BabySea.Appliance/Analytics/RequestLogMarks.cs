namespace BabySea.Appliance.Analytics;

/// <summary>Flags a handler sets on the request for the request log.</summary>
public static class RequestLogMarks
{
    private const string ReplayKey = "babysea.replay";

    public static void Replay(HttpContext http) => http.Items[ReplayKey] = true;

    public static bool IsReplay(HttpContext http) => http.Items.ContainsKey(ReplayKey);
}
