namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

/// <summary>Reads an H.264 NAL unit's RBSP (emulation-prevention bytes removed) with Exp-Golomb codes.</summary>
internal sealed class H264BitReader
{
    private readonly byte[] _rbsp;
    private int _bit;

    public H264BitReader(ReadOnlySpan<byte> nalPayload)
    {
        var rbsp = new List<byte>(nalPayload.Length);
        int zeros = 0;
        foreach (byte b in nalPayload)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            rbsp.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        _rbsp = [.. rbsp];
    }

    public uint Bits(int count)
    {
        uint value = 0;
        for (int i = 0; i < count; i++)
        {
            value = (value << 1) | (uint)((_rbsp[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            _bit++;
        }

        return value;
    }

    public uint Ue()
    {
        int zeros = 0;
        while (Bits(1) == 0)
        {
            zeros++;
        }

        return ((1u << zeros) - 1) + Bits(zeros);
    }

    public int Se()
    {
        uint k = Ue();
        return (k & 1) != 0 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }
}
