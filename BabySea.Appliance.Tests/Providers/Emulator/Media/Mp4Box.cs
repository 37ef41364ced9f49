using System.Buffers.Binary;
using System.Text;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

/// <summary>A parsed ISO-BMFF box, with children for the container boxes this encoder writes.</summary>
internal sealed class Mp4Box
{
    // Bytes of fixed fields before child boxes, for the boxes that hold children.
    private static readonly Dictionary<string, int> ChildOffsets = new()
    {
        ["moov"] = 0,
        ["trak"] = 0,
        ["mdia"] = 0,
        ["minf"] = 0,
        ["dinf"] = 0,
        ["stbl"] = 0,
        ["dref"] = 8,
        ["stsd"] = 8,
        ["avc1"] = 78,
    };

    private Mp4Box(string type, long offset, byte[] payload, List<Mp4Box> children)
    {
        Type = type;
        Offset = offset;
        Payload = payload;
        Children = children;
    }

    public string Type { get; }

    /// <summary>File offset of the box header.</summary>
    public long Offset { get; }

    public byte[] Payload { get; }

    public List<Mp4Box> Children { get; }

    public static List<Mp4Box> ParseAll(byte[] data) => Parse(data, 0, 0, data.Length);

    /// <summary>Finds a box by a slash-separated path of types, such as "moov/trak/mdia/mdhd".</summary>
    public static Mp4Box Find(IEnumerable<Mp4Box> boxes, string path)
    {
        Mp4Box? current = null;
        IEnumerable<Mp4Box> level = boxes;
        foreach (string type in path.Split('/'))
        {
            current = level.SingleOrDefault(b => b.Type == type);
            Assert.True(current is not null, $"Box '{type}' of '{path}' not found.");
            level = current.Children;
        }

        return current!;
    }

    public uint U32(int offset) => BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(offset));

    public ushort U16(int offset) => BinaryPrimitives.ReadUInt16BigEndian(Payload.AsSpan(offset));

    private static List<Mp4Box> Parse(byte[] data, long baseOffset, int start, int end)
    {
        var boxes = new List<Mp4Box>();
        int position = start;
        while (position < end)
        {
            Assert.True(end - position >= 8, $"Truncated box header at {baseOffset + position}.");
            uint size = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(position));
            string type = Encoding.ASCII.GetString(data, position + 4, 4);
            Assert.True(size >= 8 && position + size <= end, $"Box '{type}' at {baseOffset + position} has bad size {size}.");
            byte[] payload = data.AsSpan(position + 8, (int)size - 8).ToArray();
            var children = ChildOffsets.TryGetValue(type, out int childOffset)
                ? Parse(payload, baseOffset + position + 8, childOffset, payload.Length)
                : [];
            boxes.Add(new Mp4Box(type, baseOffset + position, payload, children));
            position += (int)size;
        }

        Assert.Equal(end, position);
        return boxes;
    }
}
