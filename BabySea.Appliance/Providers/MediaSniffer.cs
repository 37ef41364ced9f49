namespace BabySea.Appliance.Providers;

/// <summary>Recognises a downloaded output by its magic bytes; anything else is not a usable output.</summary>
public static class MediaSniffer
{
    public sealed record Kind(string ContentType, string Extension);

    public static Kind? Detect(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 8 && b[..8].SequenceEqual<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return new("image/png", "png");
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return new("image/jpeg", "jpg");
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return new("image/webp", "webp");
        if (b.Length >= 12 && b[4..8].SequenceEqual("ftyp"u8)) return new("video/mp4", "mp4");
        return null;
    }
}
