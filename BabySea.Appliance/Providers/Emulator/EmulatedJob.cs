using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// An emulated provider job, self-describing: everything needed to answer for it is in its token, so every
/// emulator keeps answering for jobs created before the appliance restarted, as a real provider would. The
/// token is the job id the emulator hands out and the key of its output files. It is signed
/// (<see cref="EmulatorOptions.TokenKey"/>), so nobody can guess another job's id or forge one, and every field is
/// checked again when a token is read, against the same limits <see cref="Create"/> applies.
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
    public const int MaxCount = 10;
    public const double MinSeconds = 1, MaxSeconds = 3;
    private const int MaxNameLength = 200;
    private const int SignatureBytes = 16;
    private static readonly string[] Formats = ["png", "jpg", "webp", "mp4"];

    public string Token { get; private init; } = "";

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
        if (!Formats.Contains(fmt)) fmt = "png";
        var job = new EmulatedJob(Bounded(provider), Bounded(model), directive.Kind, now, ready, video, ValidRatio(ratio) ? ratio! : "1:1", fmt,
            Math.Clamp(count, 1, MaxCount), Math.Clamp(seconds is { } s && double.IsFinite(s) ? s : 2, MinSeconds, MaxSeconds));
        return job with { Token = Sign(job, options.TokenKey) };
    }

    /// <summary>Reads a token this emulator issued; false for anything else (unsigned, altered, out of range, not a token at all).</summary>
    public static bool TryDecode(string? token, EmulatorOptions options, out EmulatedJob job)
    {
        job = null!;
        var dot = token?.LastIndexOf('.') ?? -1;
        if (dot <= 0 || token!.Length - dot - 1 != SignatureBytes * 2 || token.Length > 4 * MaxNameLength) return false;
        byte[] payload, signature;
        try
        {
            payload = Convert.FromHexString(token.AsSpan(0, dot));
            signature = Convert.FromHexString(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, Mac(payload, options.TokenKey))) return false;
        var f = Encoding.UTF8.GetString(payload).Split('|');
        if (f.Length != 10
            || !long.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var created)
            || !long.TryParse(f[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ready)
            || !int.TryParse(f[8], NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            || !double.TryParse(f[9], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !FaultKinds.All.Contains(f[2]) || !Formats.Contains(f[7]) || !ValidRatio(f[6])
            || count is < 1 or > MaxCount || !(seconds >= MinSeconds && seconds <= MaxSeconds)
            || created is < 0 or > 253_402_300_799_000 || ready is < -1 or > 253_402_300_799_000)
            return false;
        job = new EmulatedJob(f[0], f[1], f[2], DateTimeOffset.FromUnixTimeMilliseconds(created),
            ready < 0 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(ready), f[5] == "1", f[6], f[7], count, seconds)
        {
            Token = token,
        };
        return true;
    }

    private static string Sign(EmulatedJob job, byte[] key)
    {
        var text = string.Join('|', job.Provider, job.Model, job.Kind, job.CreatedAt.ToUnixTimeMilliseconds(),
            job.NeverFinishes ? -1 : job.ReadyAt.ToUnixTimeMilliseconds(), job.Video ? 1 : 0, job.Ratio, job.Format, job.Count,
            job.Seconds.ToString(CultureInfo.InvariantCulture));
        var payload = Encoding.UTF8.GetBytes(text);
        return $"{Convert.ToHexStringLower(payload)}.{Convert.ToHexStringLower(Mac(payload, key))}";
    }

    private static byte[] Mac(byte[] payload, byte[] key) => HMACSHA256.HashData(key, payload)[..SignatureBytes];

    // A '|' would shift the token's fields; names longer than any real model id are cut.
    private static string Bounded(string name) => name.Replace('|', '/') is var clean && clean.Length > MaxNameLength ? clean[..MaxNameLength] : clean;

    private static bool ValidRatio(string? ratio)
    {
        if (ratio is not { Length: > 0 and <= 16 } || ratio.Split(':') is not [var w, var h]) return false;
        return double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
            && a is > 0 and <= 100 && b is > 0 and <= 100;
    }
}

/// <summary>Provider-neutral job states; each emulator names them the way its provider does.</summary>
public enum EmulatedState { Queued, Running, Succeeded, Moderated, Canceled }
