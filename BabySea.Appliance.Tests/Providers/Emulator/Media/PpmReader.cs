using System.Text;
using BabySea.Appliance.Providers.Emulator.Media;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

/// <summary>Reads the binary PPM (P6, maxval 255) that djpeg and dwebp write.</summary>
internal static class PpmReader
{
    public static RgbImage Read(byte[] data)
    {
        int position = 0;
        string magic = NextToken(data, ref position);
        Assert.Equal("P6", magic);
        int width = int.Parse(NextToken(data, ref position), System.Globalization.CultureInfo.InvariantCulture);
        int height = int.Parse(NextToken(data, ref position), System.Globalization.CultureInfo.InvariantCulture);
        int maxValue = int.Parse(NextToken(data, ref position), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(255, maxValue);

        // Exactly one whitespace byte separates the header from the samples.
        position++;
        int length = width * height * 3;
        Assert.True(data.Length - position >= length, $"PPM holds {data.Length - position} sample bytes, expected {length}.");
        return new RgbImage(width, height, data.AsSpan(position, length).ToArray());
    }

    private static string NextToken(byte[] data, ref int position)
    {
        while (true)
        {
            while (position < data.Length && char.IsWhiteSpace((char)data[position]))
            {
                position++;
            }

            if (position < data.Length && data[position] == (byte)'#')
            {
                while (position < data.Length && data[position] != (byte)'\n')
                {
                    position++;
                }

                continue;
            }

            break;
        }

        int start = position;
        while (position < data.Length && !char.IsWhiteSpace((char)data[position]))
        {
            position++;
        }

        Assert.True(position > start, "Truncated PPM header.");
        return Encoding.ASCII.GetString(data, start, position - start);
    }
}
