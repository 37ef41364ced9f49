using System.Buffers.Binary;
using BabySea.Appliance.Providers.Emulator.Media;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

public sealed class WebpEncoderTests
{
    private const string DwebpPackage = "webp";

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(64, 48)]
    [InlineData(257, 130)]
    [InlineData(320, 176)]
    public async Task Webp_Encode_DecodesLosslesslyWithDwebp(int width, int height)
    {
        var source = RgbImage.Render(width, height, 31337);
        ImageAssert.PixelsEqual(source, await DecodeWithDwebp(WebpEncoder.Encode(source)));
    }

    [Fact]
    public async Task Webp_Encode_FlatImageUsesOneSymbolCodes()
    {
        var source = new RgbImage(20, 10);
        source.FillRectangle(0, 0, 20, 10, (12, 200, 77));
        byte[] webp = WebpEncoder.Encode(source);
        ImageAssert.PixelsEqual(source, await DecodeWithDwebp(webp));

        // Every code has one symbol, so the pixels themselves take no bits at all.
        Assert.True(webp.Length < 100, $"Flat image took {webp.Length} bytes.");
    }

    [Fact]
    public async Task Webp_Encode_TwoColourImageDecodes()
    {
        var source = new RgbImage(33, 17);
        source.FillRectangle(0, 0, 33, 17, (255, 255, 255));
        source.FillCircle(16, 8, 6, (0, 0, 0));
        ImageAssert.PixelsEqual(source, await DecodeWithDwebp(WebpEncoder.Encode(source)));
    }

    [Fact]
    public async Task Webp_Encode_NoiseUsesWholeAlphabets()
    {
        var random = new Random(17);
        var pixels = new byte[97 * 61 * 3];
        random.NextBytes(pixels);
        var source = new RgbImage(97, 61, pixels);
        ImageAssert.PixelsEqual(source, await DecodeWithDwebp(WebpEncoder.Encode(source)));
    }

    [Fact]
    public async Task Webp_Encode_SkewedHistogramStaysWithin15BitCodes()
    {
        // Fibonacci-distributed values give an unconstrained Huffman tree about 24 levels deep,
        // so this only decodes if the encoder really limits code lengths to 15 bits.
        const int width = 512, height = 240;
        var pixels = new byte[width * height * 3];
        int position = 0;
        long a = 1, b = 1;
        for (int value = 0; value < 24; value++)
        {
            for (long n = 0; n < a; n++)
            {
                pixels[position] = (byte)(value * 3);
                pixels[position + 1] = (byte)value;
                pixels[position + 2] = (byte)(255 - value);
                position += 3;
            }

            (a, b) = (b, a + b);
        }

        for (; position < pixels.Length; position += 3)
        {
            pixels[position] = 69;
            pixels[position + 1] = 23;
            pixels[position + 2] = 232;
        }

        var source = new RgbImage(width, height, pixels);
        ImageAssert.PixelsEqual(source, await DecodeWithDwebp(WebpEncoder.Encode(source)));
    }

    [Fact]
    public void Webp_Encode_WritesConsistentRiffHeader()
    {
        byte[] webp = WebpEncoder.Encode(RgbImage.Render(30, 20, 4));
        Assert.Equal("RIFF"u8.ToArray(), webp[..4]);
        Assert.Equal((uint)(webp.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(4)));
        Assert.Equal("WEBPVP8L"u8.ToArray(), webp[8..16]);
        uint chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(16));
        Assert.Equal(webp.Length, 20 + (int)chunkSize + (int)(chunkSize & 1));
        Assert.Equal(0x2F, webp[20]);
        Assert.Equal(0, webp.Length % 2);
    }

    [Fact]
    public void Webp_Encode_RejectsImagesBeyondVp8lLimits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WebpEncoder.Encode(new RgbImage(16385, 1)));
    }

    private static async Task<RgbImage> DecodeWithDwebp(byte[] webp)
    {
        using var input = new TempFile(webp, ".webp");
        using var output = new TempFile([], ".ppm");
        var (exitCode, _, stderr) = await ExternalTool.RunAsync("dwebp", DwebpPackage, input.Path, "-ppm", "-o", output.Path);
        Assert.True(exitCode == 0, $"dwebp exited {exitCode}: {stderr}");
        return PpmReader.Read(await File.ReadAllBytesAsync(output.Path));
    }
}
