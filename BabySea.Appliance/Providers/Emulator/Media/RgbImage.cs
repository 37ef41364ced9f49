namespace BabySea.Appliance.Providers.Emulator.Media;

/// <summary>
/// Packed RGB24 pixels, row-major with no row padding: the one layout every encoder here reads.
/// </summary>
internal sealed class RgbImage
{
    public RgbImage(int width, int height)
        : this(width, height, new byte[CheckedByteCount(width, height)])
    {
    }

    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != CheckedByteCount(width, height))
        {
            throw new ArgumentException($"Expected {width}x{height}x3 bytes, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    public RgbImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    public (byte R, byte G, byte B) GetPixel(int x, int y)
    {
        int i = Offset(x, y);
        return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    public void SetPixel(int x, int y, (byte R, byte G, byte B) color)
    {
        int i = Offset(x, y);
        Pixels[i] = color.R;
        Pixels[i + 1] = color.G;
        Pixels[i + 2] = color.B;
    }

    /// <summary>Fills the part of the rectangle that lies inside the image.</summary>
    public void FillRectangle(int left, int top, int width, int height, (byte R, byte G, byte B) color)
    {
        int x0 = Math.Max(left, 0);
        int y0 = Math.Max(top, 0);
        int x1 = (int)Math.Min((long)left + width, Width);
        int y1 = (int)Math.Min((long)top + height, Height);
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                SetPixel(x, y, color);
            }
        }
    }

    /// <summary>Fills the part of the disc that lies inside the image.</summary>
    public void FillCircle(int centerX, int centerY, int radius, (byte R, byte G, byte B) color)
    {
        if (radius < 0)
        {
            return;
        }

        long r2 = (long)radius * radius;
        int y0 = Math.Max(centerY - radius, 0);
        int y1 = Math.Min(centerY + radius, Height - 1);
        int x0 = Math.Max(centerX - radius, 0);
        int x1 = Math.Min(centerX + radius, Width - 1);
        for (int y = y0; y <= y1; y++)
        {
            long dy = y - centerY;
            for (int x = x0; x <= x1; x++)
            {
                long dx = x - centerX;
                if (dx * dx + dy * dy <= r2)
                {
                    SetPixel(x, y, color);
                }
            }
        }
    }

    /// <summary>
    /// Draws a picture that is the same for the same seed on every run and platform (integer maths
    /// only), so emulated generations are reproducible and distinct seeds are visibly distinct.
    /// </summary>
    public static RgbImage Render(int width, int height, ulong seed)
    {
        var image = new RgbImage(width, height);
        ulong state = seed;
        var from = NextColor(ref state);
        var to = NextColor(ref state);

        // Weighting by x*height + y*width makes the gradient run corner to corner whatever the aspect ratio.
        long span = Math.Max(1L, (long)(width - 1) * height + (long)(height - 1) * width);
        byte[] px = image.Pixels;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                long t = (long)x * height + (long)y * width;
                int i = ((y * width) + x) * 3;
                px[i] = Lerp(from.R, to.R, t, span);
                px[i + 1] = Lerp(from.G, to.G, t, span);
                px[i + 2] = Lerp(from.B, to.B, t, span);
            }
        }

        int shortEdge = Math.Min(width, height);
        int shapes = 3 + (int)(Next(ref state) % 3);
        for (int s = 0; s < shapes; s++)
        {
            var color = NextColor(ref state);
            int cx = (int)(Next(ref state) % (ulong)width);
            int cy = (int)(Next(ref state) % (ulong)height);
            int size = Math.Max(1, shortEdge / 10 + (int)(Next(ref state) % (ulong)Math.Max(1, shortEdge / 4)));
            if (Next(ref state) % 2 == 0)
            {
                image.FillCircle(cx, cy, size, color);
            }
            else
            {
                image.FillRectangle(cx - size, cy - size / 2, size * 2, size, color);
            }
        }

        return image;
    }

    private int Offset(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"({x},{y}) is outside {Width}x{Height}.");
        }

        return ((y * Width) + x) * 3;
    }

    private static int CheckedByteCount(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        long count = (long)width * height * 3;
        if (count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is too large for one buffer.");
        }

        return (int)count;
    }

    private static byte Lerp(byte a, byte b, long t, long span) => (byte)(a + ((b - a) * t / span));

    // SplitMix64: tiny, well mixed, and fully specified, so the picture never depends on a runtime's Random.
    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static (byte R, byte G, byte B) NextColor(ref ulong state)
    {
        ulong v = Next(ref state);
        return ((byte)v, (byte)(v >> 8), (byte)(v >> 16));
    }
}
