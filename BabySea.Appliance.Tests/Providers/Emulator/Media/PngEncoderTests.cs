using BabySea.Appliance.Providers.Emulator.Media;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

public sealed class PngEncoderTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(64, 48)]
    [InlineData(333, 17)]
    public void Png_Encode_DecodesToSameSize(int width, int height)
    {
        var source = RgbImage.Render(width, height, 1234);
        var decoded = PngTestDecoder.Decode(PngEncoder.Encode(source), out _);
        ImageAssert.SameSize(source, decoded);
    }

    [Theory]
    [InlineData(1, 1, 5UL)]
    [InlineData(31, 9, 6UL)]
    [InlineData(320, 176, 7UL)]
    public void Png_Encode_RoundTripsPixelsExactly(int width, int height, ulong seed)
    {
        var source = RgbImage.Render(width, height, seed);
        var decoded = PngTestDecoder.Decode(PngEncoder.Encode(source), out _);
        ImageAssert.PixelsEqual(source, decoded);
    }

    [Fact]
    public void Png_Encode_WritesIhdrIdatIendWithValidCrcs()
    {
        PngTestDecoder.Decode(PngEncoder.Encode(RgbImage.Render(40, 30, 3)), out var chunks);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks);
    }

    [Fact]
    public void Png_Encode_RoundTripsExtremeValues()
    {
        var source = new RgbImage(3, 2, [0, 255, 0, 255, 0, 255, 1, 254, 128, 255, 255, 255, 0, 0, 0, 127, 128, 129]);
        ImageAssert.PixelsEqual(source, PngTestDecoder.Decode(PngEncoder.Encode(source), out _));
    }

    [Fact]
    public void Png_Encode_IsDeterministic()
    {
        var source = RgbImage.Render(50, 50, 77);
        Assert.Equal(PngEncoder.Encode(source), PngEncoder.Encode(source));
    }
}
