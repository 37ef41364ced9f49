using System.Globalization;
using BabySea.Appliance.Providers.Emulator.Media;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

public sealed class EmulatedMediaTests
{
    [Theory]
    [InlineData("png", "image/png")]
    [InlineData("PNG", "image/png")]
    [InlineData(".png", "image/png")]
    [InlineData("jpg", "image/jpeg")]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("webp", "image/webp")]
    public void Image_ReturnsBytesOfTheNamedFormat(string format, string contentType)
    {
        var (bytes, type) = EmulatedMedia.Image(format, 64, 48, 9);
        Assert.Equal(contentType, type);
        byte[] magic = contentType switch
        {
            "image/png" => [0x89, 0x50, 0x4E, 0x47],
            "image/jpeg" => [0xFF, 0xD8, 0xFF, 0xE0],
            _ => "RIFF"u8.ToArray(),
        };
        Assert.Equal(magic, bytes[..4]);
    }

    [Fact]
    public void Image_PngDecodesToTheRequestedSize()
    {
        var (bytes, _) = EmulatedMedia.Image("png", 120, 90, 3);
        var decoded = PngTestDecoder.Decode(bytes, out _);
        Assert.Equal((120, 90), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Image_IsDeterministicPerSeed()
    {
        Assert.Equal(EmulatedMedia.Image("webp", 40, 40, 5).Bytes, EmulatedMedia.Image("webp", 40, 40, 5).Bytes);
        Assert.NotEqual(EmulatedMedia.Image("webp", 40, 40, 5).Bytes, EmulatedMedia.Image("webp", 40, 40, 6).Bytes);
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("")]
    public void Image_RejectsUnknownFormats(string format)
    {
        Assert.Throws<ArgumentException>(() => EmulatedMedia.Image(format, 8, 8, 1));
    }

    [Fact]
    public async Task Video_IsAPlayableMp4OfTheRequestedLength()
    {
        using var file = new TempFile(EmulatedMedia.Video(160, 96, 1.5, 21), ".mp4");
        var info = await Mp4EncoderTests.Probe(file.Path);
        Assert.Equal("h264", info["codec_name"]);
        Assert.Equal("160", info["width"]);
        Assert.Equal("96", info["height"]);
        Assert.Equal("15", info["nb_read_frames"]);
        Assert.Equal(1.5, double.Parse(info["duration"], CultureInfo.InvariantCulture), 3);
        Assert.Equal("video/mp4", EmulatedMedia.VideoContentType);
    }

    [Fact]
    public async Task Video_FramesAnimate()
    {
        const int width = 64, height = 48;
        using var file = new TempFile(EmulatedMedia.Video(width, height, 1.0, 4), ".mp4");
        var (exitCode, stdout, stderr) = await ExternalTool.RunAsync(
            "ffmpeg", "ffmpeg", "-nostdin", "-v", "error", "-i", file.Path, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
        Assert.True(exitCode == 0, $"ffmpeg exited {exitCode}: {stderr}");
        int frameBytes = width * height * 3;
        Assert.Equal(10 * frameBytes, stdout.Length);
        double change = ImageAssert.MeanAbsoluteError(stdout.AsSpan(0, frameBytes), stdout.AsSpan(9 * frameBytes, frameBytes));
        Assert.True(change > 2.0, $"First and last frames barely differ ({change:F2}).");
    }

    [Fact]
    public void Video_RejectsNonPositiveDurations()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EmulatedMedia.Video(32, 32, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmulatedMedia.Video(32, 32, double.NaN, 1));
    }

    [Theory]
    [InlineData("16:9", 1024, 1024, 576)]
    [InlineData("9:16", 1024, 576, 1024)]
    [InlineData("1:1", 512, 512, 512)]
    [InlineData("21:9", 1024, 1024, 432)]
    [InlineData("9:21", 1024, 432, 1024)]
    [InlineData("3:2", 1024, 1024, 688)]
    [InlineData("2:3", 1024, 688, 1024)]
    [InlineData("4:5", 1024, 816, 1024)]
    [InlineData("5:4", 1024, 1024, 816)]
    [InlineData("3:4", 1024, 768, 1024)]
    [InlineData("4:3", 1024, 1024, 768)]
    [InlineData("16:9", 320, 320, 176)]
    [InlineData("32:1", 64, 64, 16)]
    public void SizeForRatio_KeepsTheLongEdgeAndRoundsTheShortOneTo16(string ratio, int longEdge, int width, int height)
    {
        Assert.Equal((width, height), EmulatedMedia.SizeForRatio(ratio, longEdge));
    }

    [Theory]
    [InlineData("16-9")]
    [InlineData("0:1")]
    [InlineData("a:b")]
    [InlineData("1:2:3")]
    public void SizeForRatio_RejectsMalformedRatios(string ratio)
    {
        Assert.Throws<ArgumentException>(() => EmulatedMedia.SizeForRatio(ratio, 512));
    }
}
