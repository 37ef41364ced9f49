using System.Globalization;
using System.Text;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// An emulated provider job, self-describing: everything needed to answer for it is in its token, so every
/// emulator keeps answering for jobs created before the appliance restarted, as a real provider would. The
/// token is the job id the emulator hands out and the key of its output files.
/// </summary>
public sealed record EmulatedJob(
    string Provider,
    string Model,
    string Kind,
    DateTimeOffset CreatedAt,
    DateTimeOffset ReadyAt,
    bool Video,
    string Ratio,
    string Format,
    int Count,
    double Seconds)
{
    public string Token { get; } = Encode(Provider, Model, Kind, CreatedAt, ReadyAt, Video, Ratio, Format, Count, Seconds);

    public bool NeverFinishes => ReadyAt == DateTimeOffset.MaxValue;

    /// <summary>Where the job stands at <paramref name="now"/>, before any provider-specific naming.</summary>
    public EmulatedState StateAt(DateTimeOffset now, bool canceled)
    {
        if (canceled) return EmulatedState.Canceled;
        if (Kind == FaultKinds.Moderation) return EmulatedState.Moderated;
        if (now < CreatedAt.AddMilliseconds(20)) return EmulatedState.Queued;
        if (now < ReadyAt) return EmulatedState.Running;
        return Kind == FaultKinds.ModerationLate ? EmulatedState.Moderated : EmulatedState.Succeeded;
    }

    public static EmulatedJob Create(string provider, string model, EmulationDirective directive, DateTimeOffset now, bool video,
        string? ratio, string? format, int count, double? seconds, EmulatorOptions options)
    {
        var latency = directive.Kind == FaultKinds.Latency && directive.Milliseconds is { } ms ? ms
            : video ? options.VideoLatencyMs : options.ImageLatencyMs;
        var ready = directive.Kind == FaultKinds.NeverFinish ? DateTimeOffset.MaxValue : now.AddMilliseconds(latency);
        var fmt = video ? "mp4" : (format ?? "png").ToLowerInvariant() switch { "jpeg" => "jpg", var f => f };
        return new EmulatedJob(provider, model, directive.Kind, now, ready, video, ratio ?? "1:1", fmt, Math.Clamp(count, 1, 10),
            Math.Clamp(seconds ?? 2, 1, 3));
    }

    private static string Encode(string provider, string model, string kind, DateTimeOffset created, DateTimeOffset ready, bool video,
        string ratio, string format, int count, double seconds)
    {
        var text = string.Join('|', provider, model, kind, created.ToUnixTimeMilliseconds(),
            ready == DateTimeOffset.MaxValue ? -1 : ready.ToUnixTimeMilliseconds(), video ? 1 : 0, ratio, format, count,
            seconds.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));
    }

    public static bool TryDecode(string token, out EmulatedJob job)
    {
        job = null!;
        try
        {
            var f = Encoding.UTF8.GetString(Convert.FromHexString(token)).Split('|');
            if (f.Length != 10) return false;
            var ready = long.Parse(f[4], CultureInfo.InvariantCulture);
            job = new EmulatedJob(f[0], f[1], f[2], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[3], CultureInfo.InvariantCulture)),
                ready < 0 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(ready), f[5] == "1", f[6], f[7],
                int.Parse(f[8], CultureInfo.InvariantCulture), double.Parse(f[9], CultureInfo.InvariantCulture));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>Provider-neutral job states; each emulator names them the way its provider does.</summary>
public enum EmulatedState { Queued, Running, Succeeded, Moderated, Canceled }
