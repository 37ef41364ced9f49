using System.Buffers.Binary;
using System.Globalization;
using BabySea.Appliance.Providers.Emulator.Media;

namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

public sealed class Mp4EncoderTests
{
    private const string FfmpegPackage = "ffmpeg";

    [Fact]
    public void Mp4_Encode_WritesTheExpectedBoxTree()
    {
        const int frames = 12, fps = 8;
        byte[] mp4 = Mp4Encoder.Encode(MovingFrames(64, 48, frames), fps);
        var boxes = Mp4Box.ParseAll(mp4);

        Assert.Equal(["ftyp", "moov", "mdat"], boxes.Select(b => b.Type));
        var ftyp = boxes[0];
        Assert.Equal("isom"u8.ToArray(), ftyp.Payload[..4]);
        Assert.Contains("avc1", Enumerable.Range(0, (ftyp.Payload.Length - 8) / 4).Select(i => System.Text.Encoding.ASCII.GetString(ftyp.Payload, 8 + (4 * i), 4)));

        var mvhd = Mp4Box.Find(boxes, "moov/mvhd");
        Assert.Equal(1000u, mvhd.U32(12));
        Assert.Equal(1500u, mvhd.U32(16)); // 12 frames at 8 fps

        var tkhd = Mp4Box.Find(boxes, "moov/trak/tkhd");
        Assert.Equal(1500u, tkhd.U32(20));
        Assert.Equal(64u << 16, tkhd.U32(76));
        Assert.Equal(48u << 16, tkhd.U32(80));

        var mdhd = Mp4Box.Find(boxes, "moov/trak/mdia/mdhd");
        uint timescale = mdhd.U32(12);
        uint duration = mdhd.U32(16);
        Assert.Equal(1.5, (double)duration / timescale, 6);

        Assert.Equal("vide"u8.ToArray(), Mp4Box.Find(boxes, "moov/trak/mdia/hdlr").Payload[8..12]);

        var avc1 = Mp4Box.Find(boxes, "moov/trak/mdia/minf/stbl/stsd/avc1");
        Assert.Equal(64, avc1.U16(24));
        Assert.Equal(48, avc1.U16(26));

        var stbl = "moov/trak/mdia/minf/stbl/";
        var stts = Mp4Box.Find(boxes, stbl + "stts");
        Assert.Equal(1u, stts.U32(4));
        Assert.Equal((uint)frames, stts.U32(8));
        Assert.Equal(duration, stts.U32(8) * stts.U32(12));

        var stss = Mp4Box.Find(boxes, stbl + "stss");
        Assert.Equal((uint)frames, stss.U32(4));

        var stsc = Mp4Box.Find(boxes, stbl + "stsc");
        Assert.Equal([1u, 1u, (uint)frames, 1u], [stsc.U32(4), stsc.U32(8), stsc.U32(12), stsc.U32(16)]);

        var stsz = Mp4Box.Find(boxes, stbl + "stsz");
        Assert.Equal(0u, stsz.U32(4));
        Assert.Equal((uint)frames, stsz.U32(8));
        var sizes = Enumerable.Range(0, frames).Select(i => stsz.U32(12 + (4 * i))).ToArray();

        var mdat = boxes[2];
        Assert.Equal(mdat.Payload.Length, sizes.Sum(s => (long)s));
        var stco = Mp4Box.Find(boxes, stbl + "stco");
        Assert.Equal(1u, stco.U32(4));
        Assert.Equal(mdat.Offset + 8, stco.U32(8));

        // Each sample is exactly one length-prefixed IDR slice NAL unit.
        int position = 0;
        foreach (uint size in sizes)
        {
            uint nalLength = BinaryPrimitives.ReadUInt32BigEndian(mdat.Payload.AsSpan(position));
            Assert.Equal(size - 4, nalLength);
            Assert.Equal(0x65, mdat.Payload[position + 4]);
            position += (int)size;
        }
    }

    [Theory]
    [InlineData(64, 48, 0, 0)]
    [InlineData(50, 30, 7, 1)]
    [InlineData(320, 176, 0, 0)]
    public void Mp4_Encode_SpsDescribesConstrainedBaselineAndSize(int width, int height, int cropRight, int cropBottom)
    {
        byte[] mp4 = Mp4Encoder.Encode(MovingFrames(width, height, 3), 10);
        var avcC = Mp4Box.Find(Mp4Box.ParseAll(mp4), "moov/trak/mdia/minf/stbl/stsd/avc1/avcC").Payload;
        Assert.Equal(1, avcC[0]);
        Assert.Equal(66, avcC[1]);
        Assert.Equal(0xC0, avcC[2]);
        Assert.Equal(3, avcC[4] & 3); // 4-byte NAL lengths
        Assert.Equal(1, avcC[5] & 0x1F);
        int spsLength = BinaryPrimitives.ReadUInt16BigEndian(avcC.AsSpan(6));
        var spsNal = avcC.AsSpan(8, spsLength);
        Assert.Equal(0x67, spsNal[0]);
        Assert.Equal(1, avcC[8 + spsLength]);
        Assert.Equal(0x68, avcC[8 + spsLength + 3]);

        var sps = new H264BitReader(spsNal[1..]);
        Assert.Equal(66u, sps.Bits(8));
        Assert.Equal(0xC0u, sps.Bits(8));
        uint level = sps.Bits(8);
        Assert.Equal(avcC[3], (byte)level);
        Assert.InRange(level, 10u, 52u);
        Assert.Equal(0u, sps.Ue()); // sps id
        sps.Ue(); // log2_max_frame_num_minus4
        Assert.Equal(2u, sps.Ue()); // pic_order_cnt_type
        Assert.Equal(1u, sps.Ue()); // max_num_ref_frames
        Assert.Equal(0u, sps.Bits(1));
        uint mbWidth = sps.Ue() + 1;
        uint mbHeight = sps.Ue() + 1;
        Assert.Equal(1u, sps.Bits(1)); // frame_mbs_only_flag
        sps.Bits(1);
        uint right = 0, bottom = 0;
        if (sps.Bits(1) == 1)
        {
            Assert.Equal(0u, sps.Ue());
            right = sps.Ue();
            Assert.Equal(0u, sps.Ue());
            bottom = sps.Ue();
        }

        Assert.Equal((uint)cropRight, right);
        Assert.Equal((uint)cropBottom, bottom);
        Assert.Equal((uint)width, (mbWidth * 16) - (2 * right));
        Assert.Equal((uint)height, (mbHeight * 16) - (2 * bottom));
    }

    [Fact]
    public void Mp4_Encode_PicksASmallLevelForSmallVideos()
    {
        byte[] mp4 = Mp4Encoder.Encode(MovingFrames(320, 176, 2), 10);
        var avcC = Mp4Box.Find(Mp4Box.ParseAll(mp4), "moov/trak/mdia/minf/stbl/stsd/avc1/avcC").Payload;

        // 220 macroblocks of raw samples at 10 fps is about 6.8 Mbit/s: level 3.0's 10 Mbit/s fits.
        Assert.Equal(30, avcC[3]);
    }

    [Theory]
    [InlineData(64, 48, 12, 10)]
    [InlineData(50, 30, 5, 8)]
    [InlineData(320, 176, 20, 10)]
    public async Task Mp4_Encode_FfmpegDecodesWithoutErrors(int width, int height, int frames, int fps)
    {
        using var file = new TempFile(Mp4Encoder.Encode(MovingFrames(width, height, frames), fps), ".mp4");
        var (exitCode, _, stderr) = await ExternalTool.RunAsync("ffmpeg", FfmpegPackage, "-nostdin", "-v", "error", "-err_detect", "explode", "-i", file.Path, "-f", "null", "-");
        Assert.True(exitCode == 0, $"ffmpeg exited {exitCode}: {stderr}");
        Assert.True(stderr.Length == 0, $"ffmpeg reported: {stderr}");
    }

    [Theory]
    [InlineData(64, 48)]
    [InlineData(50, 30)]
    public async Task Mp4_Encode_HeadersPassFfmpegSyntaxChecks(int width, int height)
    {
        // trace_headers re-parses SPS, PPS and every slice header with the standard's value ranges.
        using var file = new TempFile(Mp4Encoder.Encode(MovingFrames(width, height, 3), 10), ".mp4");
        var (exitCode, _, stderr) = await ExternalTool.RunAsync(
            "ffmpeg", FfmpegPackage, "-nostdin", "-v", "error", "-i", file.Path, "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-");
        Assert.True(exitCode == 0, $"ffmpeg exited {exitCode}: {stderr}");
        Assert.True(stderr.Length == 0, $"ffmpeg reported: {stderr}");
    }

    [Theory]
    [InlineData(64, 48, 12, 10)]
    [InlineData(50, 30, 5, 8)]
    [InlineData(320, 176, 20, 10)]
    public async Task Mp4_Encode_FfprobeReportsSizeFramesAndDuration(int width, int height, int frames, int fps)
    {
        using var file = new TempFile(Mp4Encoder.Encode(MovingFrames(width, height, frames), fps), ".mp4");
        var info = await Probe(file.Path);
        Assert.Equal("h264", info["codec_name"]);
        Assert.Equal("Constrained Baseline", info["profile"]);
        Assert.Equal(width.ToString(CultureInfo.InvariantCulture), info["width"]);
        Assert.Equal(height.ToString(CultureInfo.InvariantCulture), info["height"]);
        Assert.Equal(frames.ToString(CultureInfo.InvariantCulture), info["nb_read_frames"]);
        Assert.Equal((double)frames / fps, double.Parse(info["duration"], CultureInfo.InvariantCulture), 3);
    }

    [Fact]
    public async Task Mp4_Encode_DecodedFramesMatchTheSource()
    {
        const int width = 96, height = 64;
        var frames = MovingFrames(width, height, 6);
        using var file = new TempFile(Mp4Encoder.Encode(frames, 10), ".mp4");
        var (exitCode, stdout, stderr) = await ExternalTool.RunAsync(
            "ffmpeg", FfmpegPackage, "-nostdin", "-v", "error", "-i", file.Path, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
        Assert.True(exitCode == 0, $"ffmpeg exited {exitCode}: {stderr}");
        int frameBytes = width * height * 3;
        Assert.Equal(frames.Count * frameBytes, stdout.Length);
        for (int i = 0; i < frames.Count; i++)
        {
            // Raw samples survive exactly; only limited-range YCbCr rounding and 4:2:0 chroma remain.
            double error = ImageAssert.MeanAbsoluteError(frames[i].Pixels, stdout.AsSpan(i * frameBytes, frameBytes));
            Assert.True(error < 6.0, $"Frame {i}: mean absolute error {error:F2}.");
        }
    }

    [Fact]
    public void Mp4_Encode_RejectsOddSizes()
    {
        Assert.Throws<ArgumentException>(() => Mp4Encoder.Encode([new RgbImage(15, 16)], 10));
    }

    [Fact]
    public void Mp4_Encode_RejectsFramesOfDifferentSizes()
    {
        Assert.Throws<ArgumentException>(() => Mp4Encoder.Encode([new RgbImage(16, 16), new RgbImage(32, 16)], 10));
    }

    [Fact]
    public void Mp4_Encode_RejectsNoFramesAndBadRates()
    {
        Assert.Throws<ArgumentException>(() => Mp4Encoder.Encode([], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mp4Encoder.Encode([new RgbImage(16, 16)], 0));
    }

    [Fact]
    public void Mp4_Encode_IsDeterministic()
    {
        var frames = MovingFrames(32, 32, 3);
        Assert.Equal(Mp4Encoder.Encode(frames, 10), Mp4Encoder.Encode(frames, 10));
    }

    internal static async Task<Dictionary<string, string>> Probe(string path)
    {
        var (exitCode, stdout, stderr) = await ExternalTool.RunAsync(
            "ffprobe", FfmpegPackage, "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,profile,width,height,nb_read_frames:format=duration",
            "-of", "default=noprint_wrappers=1", path);
        Assert.True(exitCode == 0, $"ffprobe exited {exitCode}: {stderr}");
        Assert.True(stderr.Length == 0, $"ffprobe reported: {stderr}");
        return System.Text.Encoding.UTF8.GetString(stdout)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    private static List<RgbImage> MovingFrames(int width, int height, int count)
    {
        var background = RgbImage.Render(width, height, 555);
        var frames = new List<RgbImage>(count);
        for (int i = 0; i < count; i++)
        {
            var frame = background.Clone();
            frame.FillRectangle(i * width / Math.Max(1, count), height / 4, Math.Max(2, width / 6), height / 2, (250, 250, 20));
            frames.Add(frame);
        }

        return frames;
    }
}
