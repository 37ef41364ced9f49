using System.Buffers.Binary;
using System.IO.Compression;

namespace BabySea.Appliance.Providers.Emulator.Media;

/// <summary>Truecolour 8-bit PNG (RFC 2083 / ISO 15948) with a single IDAT chunk.</summary>
internal static class PngEncoder
{
    private const byte ColorTypeTruecolor = 2;
    private const byte FilterSub = 1;

    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Encode(RgbImage img)
    {
        ArgumentNullException.ThrowIfNull(img);

        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, img.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], img.Height);
        header[8] = 8;
        header[9] = ColorTypeTruecolor;
        header[10] = 0;
        header[11] = 0;
        header[12] = 0;
        WriteChunk(output, "IHDR"u8, header);
        WriteChunk(output, "IDAT"u8, CompressScanlines(img));
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static byte[] CompressScanlines(RgbImage img)
    {
        int stride = img.Width * 3;
        byte[] px = img.Pixels;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            // The Sub filter turns the smooth gradients these pictures are made of into runs of tiny
            // deltas, which deflate far better than raw samples; it needs no previous-row state.
            byte[] row = new byte[stride + 1];
            row[0] = FilterSub;
            for (int y = 0; y < img.Height; y++)
            {
                int start = y * stride;
                for (int i = 0; i < stride; i++)
                {
                    byte left = i >= 3 ? px[start + i - 3] : (byte)0;
                    row[i + 1] = (byte)(px[start + i] - left);
                }

                zlib.Write(row);
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);

        // The CRC covers the chunk type and data, not the length.
        uint crc = UpdateCrc(0xFFFFFFFFu, type);
        crc = UpdateCrc(crc, data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static uint UpdateCrc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    // The reflected CRC-32 (polynomial 0xEDB88320) that PNG mandates; System.IO.Hashing is not in the BCL.
    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
