using System.Globalization;

namespace BabySea.Appliance.Providers.Emulator.Media;

/// <summary>The emulator's single entry point for producing real, decodable images and videos.</summary>
internal static class EmulatedMedia
{
    public const string VideoContentType = "video/mp4";

    /// <summary>Low enough to keep the raw (I_PCM) video small, high enough to look like motion.</summary>
    public const int VideoFps = 10;

    public static (byte[] Bytes, string ContentType) Image(string format, int width, int height, ulong seed)
    {
        string contentType = ImageContentType(format);
        var image = RgbImage.Render(width, height, seed);
        byte[] bytes = contentType switch
        {
            "image/png" => PngEncoder.Encode(image),
            "image/jpeg" => JpegEncoder.Encode(image),
            _ => WebpEncoder.Encode(image),
        };
        return (bytes, contentType);
    }

    /// <summary>Maps png, jpg/jpeg or webp (any case, optional leading dot) to its media type.</summary>
    public static string ImageContentType(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format.Trim().TrimStart('.').ToLowerInvariant() switch
        {
            "png" => "image/png",
            "jpg" or "jpeg" => "image/jpeg",
            "webp" => "image/webp",
            _ => throw new ArgumentException($"Unsupported image format '{format}'; expected png, jpg, jpeg or webp.", nameof(format)),
        };
    }

    /// <summary>
    /// An MP4 of the seed's picture with a ball crossing it, <see cref="VideoFps"/> frames per second.
    /// Width and height must be even; multiples of 16 avoid padding.
    /// </summary>
    public static byte[] Video(int width, int height, double seconds, ulong seed)
    {
        if (!double.IsFinite(seconds) || seconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Duration must be a positive number of seconds.");
        }

        var background = RgbImage.Render(width, height, seed);
        var (r, g, b) = background.GetPixel(width / 2, height / 2);
        var ballColor = ((byte)(255 - r), (byte)(255 - g), (byte)(255 - b));
        int radius = Math.Max(2, Math.Min(width, height) / 8);
        int frameCount = Math.Max(1, (int)Math.Round(seconds * VideoFps, MidpointRounding.AwayFromZero));

        var frames = new RgbImage[frameCount];
        for (int i = 0; i < frameCount; i++)
        {
            double t = frameCount == 1 ? 0.5 : (double)i / (frameCount - 1);
            int cx = radius + (int)Math.Round(t * Math.Max(0, width - (2 * radius)));
            int cy = (height / 2) + (int)Math.Round(Math.Sin(t * 4 * Math.PI) * Math.Max(0, (height / 2) - radius));
            frames[i] = background.Clone();
            frames[i].FillCircle(cx, cy, radius, ballColor);
        }

        return Mp4Encoder.Encode(frames, VideoFps);
    }

    /// <summary>
    /// A size for an aspect ratio such as "16:9" whose long edge is <paramref name="longEdge"/> and whose
    /// short edge is rounded to a multiple of 16 (at least 16), as video macroblocks want.
    /// </summary>
    public static (int Width, int Height) SizeForRatio(string ratio, int longEdge)
    {
        ArgumentNullException.ThrowIfNull(ratio);
        ArgumentOutOfRangeException.ThrowIfLessThan(longEdge, 16);

        string[] parts = ratio.Split(':', 'x', 'X');
        if (parts.Length != 2
            || !double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double w)
            || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double h)
            || !double.IsFinite(w) || !double.IsFinite(h) || w <= 0 || h <= 0)
        {
            throw new ArgumentException($"Aspect ratio '{ratio}' is not of the form W:H.", nameof(ratio));
        }

        int shortEdge = (int)Math.Round(longEdge * Math.Min(w, h) / Math.Max(w, h) / 16.0, MidpointRounding.AwayFromZero) * 16;
        shortEdge = Math.Clamp(shortEdge, 16, longEdge);
        return w >= h ? (longEdge, shortEdge) : (shortEdge, longEdge);
    }
}
