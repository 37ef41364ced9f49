using BabySea.Appliance.Providers.Emulator.Media;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

/// <summary>Comparisons between a source picture and what a decoder made of it.</summary>
internal static class ImageAssert
{
    public static void SameSize(RgbImage expected, RgbImage actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
    }

    public static void PixelsEqual(RgbImage expected, RgbImage actual)
    {
        SameSize(expected, actual);
        for (int i = 0; i < expected.Pixels.Length; i++)
        {
            if (expected.Pixels[i] != actual.Pixels[i])
            {
                int pixel = i / 3;
                Assert.Fail($"Pixel ({pixel % expected.Width},{pixel / expected.Width}) channel {i % 3}: expected {expected.Pixels[i]}, got {actual.Pixels[i]}.");
            }
        }
    }

    /// <summary>Per-channel means must agree within <paramref name="tolerance"/> levels.</summary>
    public static void MeanColourClose(RgbImage expected, RgbImage actual, double tolerance)
    {
        SameSize(expected, actual);
        double[] a = MeanColour(expected), b = MeanColour(actual);
        for (int c = 0; c < 3; c++)
        {
            Assert.True(Math.Abs(a[c] - b[c]) <= tolerance, $"Channel {c} mean: source {a[c]:F2}, decoded {b[c]:F2}, tolerance {tolerance}.");
        }
    }

    /// <summary>The average absolute sample difference must stay below <paramref name="limit"/>.</summary>
    public static void MeanAbsoluteErrorBelow(RgbImage expected, RgbImage actual, double limit)
    {
        SameSize(expected, actual);
        double error = MeanAbsoluteError(expected.Pixels, actual.Pixels);
        Assert.True(error < limit, $"Mean absolute error {error:F2} is not below {limit}.");
    }

    public static double MeanAbsoluteError(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        long sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            sum += Math.Abs(expected[i] - actual[i]);
        }

        return (double)sum / expected.Length;
    }

    private static double[] MeanColour(RgbImage image)
    {
        var sums = new double[3];
        for (int i = 0; i < image.Pixels.Length; i++)
        {
            sums[i % 3] += image.Pixels[i];
        }

        int count = image.Width * image.Height;
        return [sums[0] / count, sums[1] / count, sums[2] / count];
    }
}
