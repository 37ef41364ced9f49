using BabySea.Appliance.Providers.Emulator.Media;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

public sealed class JpegEncoderTests
{
    private const string DjpegPackage = "libjpeg-turbo-progs";

    [Theory]
    [InlineData(1, 1)]
    [InlineData(17, 9)]
    [InlineData(64, 48)]
    [InlineData(100, 75)]
    [InlineData(320, 176)]
    public async Task Jpeg_Encode_DecodesWithDjpegToSameSizeAndColour(int width, int height)
    {
        var source = RgbImage.Render(width, height, 2024);
        var decoded = await DecodeWithDjpeg(JpegEncoder.Encode(source));
        ImageAssert.SameSize(source, decoded);
        ImageAssert.MeanColourClose(source, decoded, 3.0);

        // Tiny pictures are mostly shape edges, where 4:2:0 chroma loses the most.
        ImageAssert.MeanAbsoluteErrorBelow(source, decoded, 12.0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(85)]
    [InlineData(100)]
    public async Task Jpeg_Encode_EveryQualityDecodes(int quality)
    {
        var source = RgbImage.Render(80, 64, 11);
        var decoded = await DecodeWithDjpeg(JpegEncoder.Encode(source, quality));
        ImageAssert.MeanColourClose(source, decoded, quality < 25 ? 8.0 : 3.0);
    }

    [Fact]
    public async Task Jpeg_Encode_HighQualityIsNearlyExact()
    {
        var source = RgbImage.Render(128, 96, 5);
        var decoded = await DecodeWithDjpeg(JpegEncoder.Encode(source, 100));
        ImageAssert.MeanAbsoluteErrorBelow(source, decoded, 3.0);
    }

    [Fact]
    public async Task Jpeg_Encode_NoiseDecodes()
    {
        // Random samples push coefficients to their largest magnitudes and produce 0xFF bytes to stuff.
        var random = new Random(3);
        var pixels = new byte[48 * 40 * 3];
        random.NextBytes(pixels);
        var source = new RgbImage(48, 40, pixels);
        var decoded = await DecodeWithDjpeg(JpegEncoder.Encode(source, 100));
        ImageAssert.MeanColourClose(source, decoded, 3.0);
    }

    [Fact]
    public void Jpeg_Encode_LowerQualityIsSmaller()
    {
        var source = RgbImage.Render(160, 120, 8);
        Assert.True(JpegEncoder.Encode(source, 30).Length < JpegEncoder.Encode(source, 95).Length);
    }

    [Fact]
    public void Jpeg_Encode_WritesJfifMarkers()
    {
        byte[] jpeg = JpegEncoder.Encode(RgbImage.Render(16, 16, 1));
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xE0], jpeg[..4]);
        Assert.Equal("JFIF"u8.ToArray(), jpeg[6..10]);
        Assert.Equal([0xFF, 0xD9], jpeg[^2..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Jpeg_Encode_RejectsQualityOutOfRange(int quality)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JpegEncoder.Encode(RgbImage.Render(8, 8, 1), quality));
    }

    private static async Task<RgbImage> DecodeWithDjpeg(byte[] jpeg)
    {
        using var file = new TempFile(jpeg, ".jpg");
        var (exitCode, stdout, stderr) = await ExternalTool.RunAsync("djpeg", DjpegPackage, "-ppm", file.Path);
        Assert.True(exitCode == 0, $"djpeg exited {exitCode}: {stderr}");
        Assert.True(stderr.Length == 0, $"djpeg warned: {stderr}");
        return PpmReader.Read(stdout);
    }
}
