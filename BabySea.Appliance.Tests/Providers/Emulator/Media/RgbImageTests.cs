using BabySea.Appliance.Providers.Emulator.Media;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

public sealed class RgbImageTests
{
    [Fact]
    public void Render_SameSeed_IsIdentical()
    {
        Assert.Equal(RgbImage.Render(96, 64, 42).Pixels, RgbImage.Render(96, 64, 42).Pixels);
    }

    [Fact]
    public void Render_DifferentSeeds_Differ()
    {
        Assert.NotEqual(RgbImage.Render(96, 64, 1).Pixels, RgbImage.Render(96, 64, 2).Pixels);
    }

    [Fact]
    public void Render_DrawsAPictureNotAFlatFill()
    {
        var image = RgbImage.Render(128, 96, 7);
        var colours = new HashSet<(byte, byte, byte)>();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                colours.Add(image.GetPixel(x, y));
            }
        }

        Assert.True(colours.Count > 20, $"Only {colours.Count} distinct colours.");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 200)]
    [InlineData(200, 3)]
    public void Render_TinyAndThinSizes_Work(int width, int height)
    {
        var image = RgbImage.Render(width, height, 99);
        Assert.Equal(width * height * 3, image.Pixels.Length);
    }

    [Fact]
    public void FillCircle_ClipsAtTheEdges()
    {
        var image = new RgbImage(10, 10);
        image.FillCircle(0, 0, 3, (255, 0, 0));
        Assert.Equal(((byte)255, (byte)0, (byte)0), image.GetPixel(0, 0));
        Assert.Equal(((byte)255, (byte)0, (byte)0), image.GetPixel(3, 0));
        Assert.Equal(((byte)0, (byte)0, (byte)0), image.GetPixel(3, 3));
    }

    [Fact]
    public void FillRectangle_ClipsAtTheEdges()
    {
        var image = new RgbImage(4, 4);
        image.FillRectangle(-2, 2, 100, 100, (1, 2, 3));
        Assert.Equal(((byte)1, (byte)2, (byte)3), image.GetPixel(3, 3));
        Assert.Equal(((byte)0, (byte)0, (byte)0), image.GetPixel(3, 1));
    }

    [Fact]
    public void Constructor_RejectsAWrongBufferLength()
    {
        Assert.Throws<ArgumentException>(() => new RgbImage(2, 2, new byte[11]));
    }

    [Fact]
    public void Constructor_RejectsEmptySizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RgbImage(0, 5));
    }
}
