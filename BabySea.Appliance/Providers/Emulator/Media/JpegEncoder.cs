namespace BabySea.Appliance.Providers.Emulator.Media;

/// <summary>
/// Baseline sequential JFIF (ITU T.81): YCbCr 4:2:0, the Annex K example quantisation tables scaled
/// the way libjpeg scales them, and the Annex K Huffman tables, so every decoder accepts the output.
/// </summary>
internal static class JpegEncoder
{
    private const int McuSize = 16;

    // Zig-zag position k to natural (row-major) index.
    private static readonly byte[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    private static readonly byte[] LuminanceQuant =
    [
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99,
    ];

    private static readonly byte[] ChrominanceQuant =
    [
        17, 18, 24, 47, 99, 99, 99, 99,
        18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
    ];

    private static readonly byte[] DcLuminanceBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] DcChrominanceBits = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    private static readonly byte[] DcValues = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    private static readonly byte[] AcLuminanceBits = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D];
    private static readonly byte[] AcLuminanceValues =
    [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
        0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
        0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
        0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
        0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
        0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
        0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
        0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
        0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
        0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
        0xF9, 0xFA,
    ];

    private static readonly byte[] AcChrominanceBits = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
    private static readonly byte[] AcChrominanceValues =
    [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
        0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0,
        0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26,
        0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
        0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
        0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
        0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
        0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
        0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
        0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
        0xF9, 0xFA,
    ];

    // cos((2x+1)uπ/16) scaled by C(u)/2, so one separable pass per axis gives the T.81 FDCT.
    private static readonly double[] DctBasis = BuildDctBasis();

    private static readonly HuffmanTable DcLuminance = new(DcLuminanceBits, DcValues);
    private static readonly HuffmanTable DcChrominance = new(DcChrominanceBits, DcValues);
    private static readonly HuffmanTable AcLuminance = new(AcLuminanceBits, AcLuminanceValues);
    private static readonly HuffmanTable AcChrominance = new(AcChrominanceBits, AcChrominanceValues);

    public static byte[] Encode(RgbImage img, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(img);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        if (img.Width > ushort.MaxValue || img.Height > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(img), "JPEG dimensions are limited to 65535.");
        }

        byte[] lumaQuant = ScaleQuant(LuminanceQuant, quality);
        byte[] chromaQuant = ScaleQuant(ChrominanceQuant, quality);

        using var output = new MemoryStream();
        WriteHeaders(output, img, lumaQuant, chromaQuant);
        WriteScan(output, img, lumaQuant, chromaQuant);
        output.WriteByte(0xFF);
        output.WriteByte(0xD9);
        return output.ToArray();
    }

    // libjpeg's jpeg_quality_scaling, so "quality 85" means what users of every other tool expect.
    private static byte[] ScaleQuant(byte[] table, int quality)
    {
        int scale = quality < 50 ? 5000 / quality : 200 - (quality * 2);
        var scaled = new byte[64];
        for (int i = 0; i < 64; i++)
        {
            scaled[i] = (byte)Math.Clamp(((table[i] * scale) + 50) / 100, 1, 255);
        }

        return scaled;
    }

    private static void WriteHeaders(Stream output, RgbImage img, byte[] lumaQuant, byte[] chromaQuant)
    {
        output.Write([0xFF, 0xD8]);

        // JFIF 1.01 APP0 with 1:1 aspect and no thumbnail.
        output.Write([0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);

        output.Write([0xFF, 0xDB, 0x00, 0x84]);
        WriteQuantTable(output, 0, lumaQuant);
        WriteQuantTable(output, 1, chromaQuant);

        output.Write([0xFF, 0xC0, 0x00, 0x11, 0x08]);
        output.Write([(byte)(img.Height >> 8), (byte)img.Height, (byte)(img.Width >> 8), (byte)img.Width]);
        output.Write([0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);

        WriteHuffmanTable(output, 0x00, DcLuminanceBits, DcValues);
        WriteHuffmanTable(output, 0x10, AcLuminanceBits, AcLuminanceValues);
        WriteHuffmanTable(output, 0x01, DcChrominanceBits, DcValues);
        WriteHuffmanTable(output, 0x11, AcChrominanceBits, AcChrominanceValues);

        // One interleaved scan: Y uses tables 0/0, Cb and Cr use 1/1; full spectral range, no approximation.
        output.Write([0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00]);
    }

    private static void WriteQuantTable(Stream output, byte id, byte[] table)
    {
        output.WriteByte(id);
        for (int k = 0; k < 64; k++)
        {
            output.WriteByte(table[ZigZag[k]]);
        }
    }

    private static void WriteHuffmanTable(Stream output, byte classAndId, byte[] bits, byte[] values)
    {
        int length = 2 + 1 + 16 + values.Length;
        output.Write([0xFF, 0xC4, (byte)(length >> 8), (byte)length, classAndId]);
        output.Write(bits);
        output.Write(values);
    }

    private static void WriteScan(Stream output, RgbImage img, byte[] lumaQuant, byte[] chromaQuant)
    {
        int mcusX = (img.Width + McuSize - 1) / McuSize;
        int mcusY = (img.Height + McuSize - 1) / McuSize;
        var writer = new EntropyWriter(output);
        var y = new double[4][];
        for (int i = 0; i < 4; i++)
        {
            y[i] = new double[64];
        }

        var cb = new double[64];
        var cr = new double[64];
        var coefficients = new int[64];
        int dcY = 0, dcCb = 0, dcCr = 0;

        for (int my = 0; my < mcusY; my++)
        {
            for (int mx = 0; mx < mcusX; mx++)
            {
                LoadMcu(img, mx * McuSize, my * McuSize, y, cb, cr);
                for (int i = 0; i < 4; i++)
                {
                    Quantize(y[i], lumaQuant, coefficients);
                    dcY = EncodeBlock(writer, coefficients, dcY, DcLuminance, AcLuminance);
                }

                Quantize(cb, chromaQuant, coefficients);
                dcCb = EncodeBlock(writer, coefficients, dcCb, DcChrominance, AcChrominance);
                Quantize(cr, chromaQuant, coefficients);
                dcCr = EncodeBlock(writer, coefficients, dcCr, DcChrominance, AcChrominance);
            }
        }

        writer.Flush();
    }

    /// <summary>
    /// Converts one 16x16 MCU to level-shifted JFIF YCbCr: four luma blocks and 2x2-averaged chroma.
    /// Pixels past the right or bottom edge repeat the last column/row, which keeps edge blocks smooth.
    /// </summary>
    private static void LoadMcu(RgbImage img, int left, int top, double[][] y, double[] cb, double[] cr)
    {
        Array.Clear(cb);
        Array.Clear(cr);
        byte[] px = img.Pixels;
        for (int dy = 0; dy < McuSize; dy++)
        {
            int sy = Math.Min(top + dy, img.Height - 1);
            for (int dx = 0; dx < McuSize; dx++)
            {
                int sx = Math.Min(left + dx, img.Width - 1);
                int i = ((sy * img.Width) + sx) * 3;
                double r = px[i], g = px[i + 1], b = px[i + 2];
                int block = ((dy >> 3) * 2) + (dx >> 3);
                y[block][((dy & 7) * 8) + (dx & 7)] = (0.299 * r) + (0.587 * g) + (0.114 * b) - 128.0;
                int c = ((dy >> 1) * 8) + (dx >> 1);
                cb[c] += ((-0.168736 * r) - (0.331264 * g) + (0.5 * b)) / 4.0;
                cr[c] += ((0.5 * r) - (0.418688 * g) - (0.081312 * b)) / 4.0;
            }
        }
    }

    private static void Quantize(double[] block, byte[] quant, int[] coefficients)
    {
        Span<double> rows = stackalloc double[64];
        for (int yy = 0; yy < 8; yy++)
        {
            for (int u = 0; u < 8; u++)
            {
                double sum = 0;
                for (int x = 0; x < 8; x++)
                {
                    sum += DctBasis[(u * 8) + x] * block[(yy * 8) + x];
                }

                rows[(yy * 8) + u] = sum;
            }
        }

        for (int v = 0; v < 8; v++)
        {
            for (int u = 0; u < 8; u++)
            {
                double sum = 0;
                for (int yy = 0; yy < 8; yy++)
                {
                    sum += DctBasis[(v * 8) + yy] * rows[(yy * 8) + u];
                }

                int natural = (v * 8) + u;
                int q = (int)Math.Round(sum / quant[natural], MidpointRounding.AwayFromZero);

                // The Annex K AC tables stop at magnitude category 10; only a pathological block at
                // quality 100 could round past it, and clamping there costs nothing visible.
                coefficients[natural] = natural == 0 ? q : Math.Clamp(q, -1023, 1023);
            }
        }
    }

    private static int EncodeBlock(EntropyWriter writer, int[] coefficients, int previousDc, HuffmanTable dc, HuffmanTable ac)
    {
        int dcValue = coefficients[0];
        int diff = dcValue - previousDc;
        int size = Magnitude(diff);
        dc.Write(writer, size);
        writer.WriteBits(AdditionalBits(diff, size), size);

        int run = 0;
        for (int k = 1; k < 64; k++)
        {
            int value = coefficients[ZigZag[k]];
            if (value == 0)
            {
                run++;
                continue;
            }

            while (run > 15)
            {
                ac.Write(writer, 0xF0);
                run -= 16;
            }

            size = Magnitude(value);
            ac.Write(writer, (run << 4) | size);
            writer.WriteBits(AdditionalBits(value, size), size);
            run = 0;
        }

        if (run > 0)
        {
            ac.Write(writer, 0x00);
        }

        return dcValue;
    }

    private static int Magnitude(int value)
    {
        int abs = Math.Abs(value);
        int bits = 0;
        while (abs != 0)
        {
            bits++;
            abs >>= 1;
        }

        return bits;
    }

    // T.81 F.1.2.1: negative values are sent as the low bits of value - 1 (one's complement style).
    private static int AdditionalBits(int value, int size) => value >= 0 ? value : value + (1 << size) - 1;

    private static double[] BuildDctBasis()
    {
        var basis = new double[64];
        for (int u = 0; u < 8; u++)
        {
            double cu = u == 0 ? Math.Sqrt(0.5) : 1.0;
            for (int x = 0; x < 8; x++)
            {
                basis[(u * 8) + x] = cu / 2.0 * Math.Cos(((2 * x) + 1) * u * Math.PI / 16.0);
            }
        }

        return basis;
    }

    private sealed class HuffmanTable
    {
        private readonly ushort[] _codes = new ushort[256];
        private readonly byte[] _lengths = new byte[256];

        // T.81 Annex C: canonical codes in order of length, then table order.
        public HuffmanTable(byte[] bits, byte[] values)
        {
            int code = 0;
            int k = 0;
            for (int length = 1; length <= 16; length++)
            {
                for (int i = 0; i < bits[length - 1]; i++)
                {
                    _codes[values[k]] = (ushort)code;
                    _lengths[values[k]] = (byte)length;
                    code++;
                    k++;
                }

                code <<= 1;
            }
        }

        public void Write(EntropyWriter writer, int symbol)
        {
            int length = _lengths[symbol];
            if (length == 0)
            {
                throw new InvalidOperationException($"Symbol 0x{symbol:X2} has no code in this table.");
            }

            writer.WriteBits(_codes[symbol], length);
        }
    }

    private sealed class EntropyWriter(Stream output)
    {
        private uint _buffer;
        private int _count;

        public void WriteBits(int value, int length)
        {
            if (length == 0)
            {
                return;
            }

            _buffer = (_buffer << length) | ((uint)value & ((1u << length) - 1));
            _count += length;
            while (_count >= 8)
            {
                _count -= 8;
                EmitByte((byte)(_buffer >> _count));
            }
        }

        // T.81 F.1.2.3: the final partial byte is padded with 1-bits.
        public void Flush()
        {
            if (_count > 0)
            {
                WriteBits(0x7F, 8 - _count);
            }
        }

        // A 0xFF in entropy-coded data would read as a marker, so T.81 B.1.1.5 stuffs a zero after it.
        private void EmitByte(byte b)
        {
            output.WriteByte(b);
            if (b == 0xFF)
            {
                output.WriteByte(0x00);
            }
        }
    }
}
