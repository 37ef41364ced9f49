using System.Buffers.Binary;

namespace BabySea.Appliance.Providers.Emulator.Media;

/// <summary>
/// Lossless WebP (RFC 9649, VP8L) in its plainest legal form: no transforms, no colour cache, one
/// prefix-code group, every pixel a literal. Larger than libwebp's output, but trivially correct.
/// </summary>
internal static class WebpEncoder
{
    private const int MaxDimension = 1 << 14;
    private const int MaxCodeLength = 15;
    private const int MaxCodeLengthCodeLength = 7;

    // Green alphabet: 256 literals + 24 LZ77 length prefixes + 0 colour-cache entries.
    private const int GreenAlphabet = 256 + 24;
    private const int ByteAlphabet = 256;
    private const int DistanceAlphabet = 40;

    private static readonly byte[] CodeLengthCodeOrder = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    public static byte[] Encode(RgbImage img)
    {
        ArgumentNullException.ThrowIfNull(img);
        if (img.Width > MaxDimension || img.Height > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(img), $"VP8L dimensions are limited to {MaxDimension}.");
        }

        byte[] bitstream = EncodeBitstream(img);
        int padding = bitstream.Length & 1;
        var file = new byte[20 + bitstream.Length + padding];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        "WEBP"u8.CopyTo(file.AsSpan(8));
        "VP8L"u8.CopyTo(file.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(16), (uint)bitstream.Length);
        bitstream.CopyTo(file.AsSpan(20));
        return file;
    }

    private static byte[] EncodeBitstream(RgbImage img)
    {
        byte[] px = img.Pixels;
        var green = new int[GreenAlphabet];
        var red = new int[ByteAlphabet];
        var blue = new int[ByteAlphabet];
        for (int i = 0; i < px.Length; i += 3)
        {
            red[px[i]]++;
            green[px[i + 1]]++;
            blue[px[i + 2]]++;
        }

        // Opaque alpha and unused distances each reduce to a one-symbol code, which costs no bits per pixel.
        var alpha = new int[ByteAlphabet];
        alpha[255] = 1;
        var distance = new int[DistanceAlphabet];

        var writer = new BitWriter(px.Length);
        writer.Write(0x2F, 8);
        writer.Write((uint)(img.Width - 1), 14);
        writer.Write((uint)(img.Height - 1), 14);
        writer.Write(0, 1); // alpha_is_used: a hint only, and every pixel is opaque.
        writer.Write(0, 3); // version
        writer.Write(0, 1); // no transform
        writer.Write(0, 1); // no colour cache
        writer.Write(0, 1); // no meta prefix codes: one group covers the whole image

        var greenCode = WritePrefixCode(writer, green);
        var redCode = WritePrefixCode(writer, red);
        var blueCode = WritePrefixCode(writer, blue);
        var alphaCode = WritePrefixCode(writer, alpha);
        WritePrefixCode(writer, distance);

        for (int i = 0; i < px.Length; i += 3)
        {
            greenCode.Write(writer, px[i + 1]);
            redCode.Write(writer, px[i]);
            blueCode.Write(writer, px[i + 2]);
            alphaCode.Write(writer, 255);
        }

        return writer.ToArray();
    }

    /// <summary>Writes a "normal" prefix code (RFC 9649 3.7.2.1.2) for the histogram and returns it.</summary>
    private static PrefixCode WritePrefixCode(BitWriter writer, int[] histogram)
    {
        byte[] lengths = CodeLengths(histogram, MaxCodeLength);
        var tokens = RunLengthEncode(lengths);

        var tokenHistogram = new int[19];
        foreach (var (symbol, _, _) in tokens)
        {
            tokenHistogram[symbol]++;
        }

        byte[] tokenLengths = CodeLengths(tokenHistogram, MaxCodeLengthCodeLength);
        int count = CodeLengthCodeOrder.Length;
        while (count > 4 && tokenLengths[CodeLengthCodeOrder[count - 1]] == 0)
        {
            count--;
        }

        writer.Write(0, 1); // normal, not simple
        writer.Write((uint)(count - 4), 4);
        for (int i = 0; i < count; i++)
        {
            writer.Write(tokenLengths[CodeLengthCodeOrder[i]], 3);
        }

        writer.Write(0, 1); // max_symbol = alphabet size: the tokens cover every symbol

        var tokenCode = new PrefixCode(tokenLengths);
        foreach (var (symbol, extra, extraBits) in tokens)
        {
            tokenCode.Write(writer, symbol);
            writer.Write(extra, extraBits);
        }

        return new PrefixCode(lengths);
    }

    /// <summary>
    /// Code-length tokens: 0-15 literal, 16 repeats the previous non-zero length 3-6 times,
    /// 17 and 18 emit 3-10 and 11-138 zeros.
    /// </summary>
    private static List<(int Symbol, uint Extra, int ExtraBits)> RunLengthEncode(byte[] lengths)
    {
        var tokens = new List<(int, uint, int)>();
        int i = 0;
        while (i < lengths.Length)
        {
            int value = lengths[i];
            int run = 1;
            while (i + run < lengths.Length && lengths[i + run] == value)
            {
                run++;
            }

            i += run;
            if (value == 0)
            {
                while (run >= 11)
                {
                    int n = Math.Min(run, 138);
                    tokens.Add((18, (uint)(n - 11), 7));
                    run -= n;
                }

                if (run >= 3)
                {
                    tokens.Add((17, (uint)(run - 3), 3));
                    run = 0;
                }
            }
            else
            {
                // The literal comes first so code 16 repeats this value, not an earlier one.
                tokens.Add((value, 0, 0));
                run--;
                while (run >= 3)
                {
                    int n = Math.Min(run, 6);
                    tokens.Add((16, (uint)(n - 3), 2));
                    run -= n;
                }
            }

            for (; run > 0; run--)
            {
                tokens.Add((value, 0, 0));
            }
        }

        return tokens;
    }

    /// <summary>
    /// Optimal code lengths no longer than <paramref name="maxLength"/>, by package-merge. The result is
    /// always a complete code, which the decoder requires, except that a single used symbol gets length 1
    /// and is then sent with zero bits. An empty histogram is treated as symbol 0 alone, as RFC 9649 allows.
    /// </summary>
    private static byte[] CodeLengths(int[] histogram, int maxLength)
    {
        var lengths = new byte[histogram.Length];
        var leaves = new List<Item>();
        for (int s = 0; s < histogram.Length; s++)
        {
            if (histogram[s] > 0)
            {
                leaves.Add(new Item(histogram[s], s, null, null));
            }
        }

        if (leaves.Count <= 1)
        {
            lengths[leaves.Count == 1 ? leaves[0].Symbol : 0] = 1;
            return lengths;
        }

        // Stable: ties keep symbol order, so output is deterministic.
        leaves = [.. leaves.OrderBy(item => item.Weight)];
        var current = leaves;
        for (int level = 1; level < maxLength; level++)
        {
            var packages = new List<Item>(current.Count / 2);
            for (int p = 0; p + 1 < current.Count; p += 2)
            {
                packages.Add(new Item(current[p].Weight + current[p + 1].Weight, -1, current[p], current[p + 1]));
            }

            current = Merge(leaves, packages);
        }

        var pending = new Stack<Item>();
        for (int k = 0; k < (2 * leaves.Count) - 2; k++)
        {
            pending.Push(current[k]);
        }

        while (pending.Count > 0)
        {
            var item = pending.Pop();
            if (item.Symbol >= 0)
            {
                lengths[item.Symbol]++;
            }
            else
            {
                pending.Push(item.Left!);
                pending.Push(item.Right!);
            }
        }

        return lengths;
    }

    private static List<Item> Merge(List<Item> leaves, List<Item> packages)
    {
        var merged = new List<Item>(leaves.Count + packages.Count);
        int a = 0, b = 0;
        while (a < leaves.Count || b < packages.Count)
        {
            if (b >= packages.Count || (a < leaves.Count && leaves[a].Weight <= packages[b].Weight))
            {
                merged.Add(leaves[a++]);
            }
            else
            {
                merged.Add(packages[b++]);
            }
        }

        return merged;
    }

    /// <summary>A leaf (Symbol is its index) or a package of two items (Symbol is -1).</summary>
    private sealed class Item(long weight, int symbol, Item? left, Item? right)
    {
        public long Weight { get; } = weight;

        public int Symbol { get; } = symbol;

        public Item? Left { get; } = left;

        public Item? Right { get; } = right;
    }

    /// <summary>Canonical codes as in DEFLATE, stored bit-reversed because VP8L reads bits LSB first.</summary>
    private sealed class PrefixCode
    {
        private readonly uint[] _codes;
        private readonly byte[] _lengths;

        public PrefixCode(byte[] lengths)
        {
            _codes = new uint[lengths.Length];
            _lengths = (byte[])lengths.Clone();

            int used = lengths.Count(l => l != 0);
            if (used == 1)
            {
                // A one-symbol code decodes without reading any bits.
                Array.Clear(_lengths);
                return;
            }

            var countPerLength = new int[MaxCodeLength + 1];
            foreach (byte length in lengths)
            {
                countPerLength[length]++;
            }

            countPerLength[0] = 0;
            var next = new uint[MaxCodeLength + 2];
            uint code = 0;
            for (int bits = 1; bits <= MaxCodeLength; bits++)
            {
                code = (code + (uint)countPerLength[bits - 1]) << 1;
                next[bits] = code;
            }

            for (int s = 0; s < lengths.Length; s++)
            {
                int length = lengths[s];
                if (length != 0)
                {
                    _codes[s] = Reverse(next[length]++, length);
                }
            }
        }

        public void Write(BitWriter writer, int symbol) => writer.Write(_codes[symbol], _lengths[symbol]);

        private static uint Reverse(uint code, int length)
        {
            uint reversed = 0;
            for (int i = 0; i < length; i++)
            {
                reversed = (reversed << 1) | ((code >> i) & 1);
            }

            return reversed;
        }
    }

    /// <summary>VP8L packs fields least-significant bit first.</summary>
    private sealed class BitWriter(int capacity)
    {
        private readonly MemoryStream _output = new(capacity);
        private ulong _buffer;
        private int _count;

        public void Write(uint value, int bits)
        {
            _buffer |= (ulong)(value & (uint)((1UL << bits) - 1)) << _count;
            _count += bits;
            while (_count >= 8)
            {
                _output.WriteByte((byte)_buffer);
                _buffer >>= 8;
                _count -= 8;
            }
        }

        public byte[] ToArray()
        {
            if (_count > 0)
            {
                _output.WriteByte((byte)_buffer);
                _buffer = 0;
                _count = 0;
            }

            return _output.ToArray();
        }
    }
}
