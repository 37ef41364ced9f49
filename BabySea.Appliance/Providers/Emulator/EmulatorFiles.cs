using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BabySea.Appliance.Providers.Emulator.Media;
using Microsoft.Extensions.Options;

namespace BabySea.Appliance.Providers.Emulator;

/// <summary>
/// The output files of every emulator: <c>/emulator/files/{token}/out-{n}.{ext}</c>, rendered on demand from the
/// job token. <c>expired_output</c> answers 404 as an expired signed link does; <c>corrupt_output</c> serves bytes
/// that no decoder accepts.
/// </summary>
public sealed class EmulatorFiles(TimeProvider time, IOptions<EmulatorOptions> options)
{
    public static string Url(string origin, EmulatedJob job, int index) => $"{origin}/emulator/files/{job.Token}/out-{index}.{job.Format}";

    public void Map(IEndpointRouteBuilder app)
        => app.MapGet("/emulator/files/{token}/{file}", (string token, string file) => Serve(token, file));

    /// <summary>The bytes of output <paramref name="index"/>, for providers that return media inline.</summary>
    public (byte[] Bytes, string ContentType) Render(EmulatedJob job, int index)
    {
        if (job.Kind == FaultKinds.CorruptOutput)
            return (Encoding.ASCII.GetBytes("<html>this is not the image you asked for</html>"), job.Video ? "video/mp4" : EmulatedMedia.ImageContentType(job.Format));
        var seed = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{job.Token}/{index}")));
        if (job.Video)
        {
            var (w, h) = EmulatedMedia.SizeForRatio(job.Ratio, options.Value.VideoLongEdge);
            return (EmulatedMedia.Video(w, h, job.Seconds, seed), EmulatedMedia.VideoContentType);
        }
        var (width, height) = EmulatedMedia.SizeForRatio(job.Ratio, options.Value.ImageLongEdge);
        return EmulatedMedia.Image(job.Format, width, height, seed);
    }

    private IResult Serve(string token, string file)
    {
        if (!EmulatedJob.TryDecode(token, options.Value, out var job) || job.StateAt(time.GetUtcNow(), canceled: false) != EmulatedState.Succeeded)
            return Results.NotFound();
        if (job.Kind == FaultKinds.ExpiredOutput)
            return Results.Text("<Error><Code>AuthenticationFailed</Code><Message>Signed expiry time has passed.</Message></Error>", "application/xml", statusCode: 403);
        var dot = file.LastIndexOf('.');
        if (!file.StartsWith("out-", StringComparison.Ordinal) || dot < 5
            || !int.TryParse(file.AsSpan(4, dot - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= job.Count)
            return Results.NotFound();
        var (bytes, contentType) = Render(job, index);
        return Results.Bytes(bytes, contentType);
    }
}
