using System.Buffers.Binary;

namespace BabySea.Appliance.Tests.Support;

/// <summary>Reads width and height from PNG, JPEG and WebP headers.</summary>
public static class ImageSize
{
    public static (int Width, int Height) Of(byte[] b)
    {
        if (b[0] == 0x89 && b[1] == 'P') return (BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)));
        if (b[0] == 0xFF && b[1] == 0xD8)
        {
            for (var i = 2; i + 9 < b.Length;)
            {
                if (b[i] != 0xFF) { i++; continue; }
                var marker = b[i + 1];
                var length = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i + 2));
                if (marker is 0xC0 or 0xC1 or 0xC2)
                    return (BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i + 7)), BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i + 5)));
                i += 2 + length;
            }
        }
        if (b.Length > 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'L')
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(21));
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        throw new InvalidDataException("Not a PNG, JPEG or lossless WebP file.");
    }
}
