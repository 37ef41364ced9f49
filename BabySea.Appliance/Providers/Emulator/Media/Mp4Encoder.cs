using System.Numerics;
using System.Text;

namespace BabySea.Appliance.Providers.Emulator.Media;

/// <summary>
/// H.264 Constrained Baseline in MP4 (ISO/IEC 14496-12/-15), built so that no transform, prediction or
/// entropy coder is needed: every frame is one IDR slice whose macroblocks are all I_PCM, i.e. raw 4:2:0
/// samples. Files are big (about 1.5 bytes per pixel per frame), so callers should keep videos small,
/// but any H.264 decoder (browsers included) plays them.
/// </summary>
internal static class Mp4Encoder
{
    public const int MaxFps = 120;

    private const int MovieTimescale = 1000;
    private const int TicksPerFrame = 1000;
    private const int ProfileBaseline = 66;

    // constraint_set0 (obeys Baseline) + constraint_set1 (obeys Main): together, Constrained Baseline.
    private const byte ConstraintFlags = 0xC0;

    private const byte NalSps = 0x67;
    private const byte NalPps = 0x68;
    private const byte NalIdrSlice = 0x65;
    private const uint SliceTypeIAll = 7;
    private const uint MbTypeIPcm = 25;

    // H.264 Table A-1: level_idc, MaxMBPS, MaxFS, MaxBR (kbit/s, Baseline), MinCR. Level 1b is skipped:
    // Baseline signals it through constraint_set3, and level 1.1 covers the same streams.
    private static readonly (byte Idc, int MaxMbps, int MaxFs, int MaxBrKbps, int MinCr)[] Levels =
    [
        (10, 1485, 99, 64, 2),
        (11, 3000, 396, 192, 2),
        (12, 6000, 396, 384, 2),
        (13, 11880, 396, 768, 2),
        (20, 11880, 396, 2000, 2),
        (21, 19800, 792, 4000, 2),
        (22, 20250, 1620, 4000, 2),
        (30, 40500, 1620, 10000, 2),
        (31, 108000, 3600, 14000, 4),
        (32, 216000, 5120, 20000, 4),
        (40, 245760, 8192, 20000, 4),
        (41, 245760, 8192, 50000, 2),
        (42, 522240, 8704, 50000, 2),
        (50, 589824, 22080, 135000, 2),
        (51, 983040, 36864, 240000, 2),
        (52, 2073600, 36864, 240000, 2),
    ];

    public static byte[] Encode(IReadOnlyList<RgbImage> frames, int fps)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("At least one frame is required.", nameof(frames));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fps, MaxFps);
        int width = frames[0].Width;
        int height = frames[0].Height;

        // 4:2:0 frame cropping works in units of two samples, so odd sizes cannot be signalled.
        if (width % 2 != 0 || height % 2 != 0)
        {
            throw new ArgumentException($"Video dimensions must be even, got {width}x{height}.", nameof(frames));
        }

        foreach (var frame in frames)
        {
            if (frame.Width != width || frame.Height != height)
            {
                throw new ArgumentException("All frames must have the same size.", nameof(frames));
            }
        }

        int mbWidth = (width + 15) / 16;
        int mbHeight = (height + 15) / 16;
        var samples = new byte[frames.Count][];
        int largestNal = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            // Back-to-back IDR pictures must carry different idr_pic_id values (7.4.3).
            byte[] nal = Nal(NalIdrSlice, SliceRbsp(frames[i], mbWidth, mbHeight, (uint)(i % 2)));
            largestNal = Math.Max(largestNal, nal.Length);
            samples[i] = new byte[4 + nal.Length];
            samples[i][0] = (byte)(nal.Length >> 24);
            samples[i][1] = (byte)(nal.Length >> 16);
            samples[i][2] = (byte)(nal.Length >> 8);
            samples[i][3] = (byte)nal.Length;
            nal.CopyTo(samples[i], 4);
        }

        byte level = ChooseLevel(mbWidth, mbHeight, fps, largestNal);
        byte[] sps = Nal(NalSps, SpsRbsp(level, width, height, mbWidth, mbHeight));
        byte[] pps = Nal(NalPps, PpsRbsp());

        var track = new TrackInfo(width, height, fps, level, sps, pps, samples);
        byte[] ftyp = Ftyp();
        int moovSize = Moov(track, 0).Length;
        long mdatPayload = samples.Sum(s => (long)s.Length);
        long total = ftyp.Length + moovSize + 8 + mdatPayload;
        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"The video would take {total} bytes, more than one buffer holds.", nameof(frames));
        }

        byte[] moov = Moov(track, (uint)(ftyp.Length + moovSize + 8));
        var file = new byte[total];
        var span = file.AsSpan();
        ftyp.CopyTo(span);
        span = span[ftyp.Length..];
        moov.CopyTo(span);
        span = span[moov.Length..];
        WriteUInt32(span, (uint)(8 + mdatPayload));
        "mdat"u8.CopyTo(span[4..]);
        span = span[8..];
        foreach (var sample in samples)
        {
            sample.CopyTo(span);
            span = span[sample.Length..];
        }

        return file;
    }

    /// <summary>
    /// The lowest level whose frame-size, macroblock-rate, bit-rate and compression-ratio limits the
    /// stream meets. Past level 5.2 the stream is labelled 5.2 anyway: decoders do not police these
    /// limits, and a playable file beats an exception in an emulator.
    /// </summary>
    private static byte ChooseLevel(int mbWidth, int mbHeight, int fps, int largestNal)
    {
        long frameMbs = (long)mbWidth * mbHeight;
        long bitsPerSecond = (long)largestNal * 8 * fps;
        foreach (var level in Levels)
        {
            bool fits = frameMbs <= level.MaxFs
                && (long)mbWidth * mbWidth <= 8L * level.MaxFs
                && (long)mbHeight * mbHeight <= 8L * level.MaxFs
                && frameMbs * fps <= level.MaxMbps
                && bitsPerSecond <= level.MaxBrKbps * 1000L
                && (long)largestNal * fps * level.MinCr <= 384L * level.MaxMbps;
            if (fits)
            {
                return level.Idc;
            }
        }

        return Levels[^1].Idc;
    }

    private static byte[] SpsRbsp(byte level, int width, int height, int mbWidth, int mbHeight)
    {
        var w = new RbspWriter();
        w.WriteBits(ProfileBaseline, 8);
        w.WriteBits(ConstraintFlags, 8);
        w.WriteBits(level, 8);
        w.WriteUe(0); // seq_parameter_set_id
        w.WriteUe(0); // log2_max_frame_num_minus4: frame_num is always 0 for IDR pictures
        w.WriteUe(2); // pic_order_cnt_type 2: output order is decode order, nothing sent per slice
        w.WriteUe(1); // max_num_ref_frames
        w.WriteBits(0, 1); // gaps_in_frame_num_value_allowed_flag
        w.WriteUe((uint)(mbWidth - 1));
        w.WriteUe((uint)(mbHeight - 1));
        w.WriteBits(1, 1); // frame_mbs_only_flag
        w.WriteBits(1, 1); // direct_8x8_inference_flag

        int cropRight = (mbWidth * 16) - width;
        int cropBottom = (mbHeight * 16) - height;
        if (cropRight != 0 || cropBottom != 0)
        {
            w.WriteBits(1, 1);
            w.WriteUe(0);
            w.WriteUe((uint)(cropRight / 2));
            w.WriteUe(0);
            w.WriteUe((uint)(cropBottom / 2));
        }
        else
        {
            w.WriteBits(0, 1);
        }

        w.WriteBits(1, 1); // vui_parameters_present_flag
        w.WriteBits(0, 1); // aspect_ratio_info_present_flag
        w.WriteBits(0, 1); // overscan_info_present_flag

        // Say plainly that samples are limited-range BT.601, the matrix the encoder used.
        w.WriteBits(1, 1); // video_signal_type_present_flag
        w.WriteBits(5, 3); // video_format: unspecified
        w.WriteBits(0, 1); // video_full_range_flag
        w.WriteBits(1, 1); // colour_description_present_flag
        w.WriteBits(6, 8); // colour_primaries: SMPTE 170M
        w.WriteBits(6, 8); // transfer_characteristics: SMPTE 170M
        w.WriteBits(6, 8); // matrix_coefficients: SMPTE 170M
        w.WriteBits(0, 1); // chroma_loc_info_present_flag
        w.WriteBits(0, 1); // timing_info_present_flag: the container carries timing
        w.WriteBits(0, 1); // nal_hrd_parameters_present_flag
        w.WriteBits(0, 1); // vcl_hrd_parameters_present_flag
        w.WriteBits(0, 1); // pic_struct_present_flag

        // Without this block max_bytes_per_pic_denom is inferred as 2, which caps a picture at half its
        // raw size; PCM pictures are raw, so the cap has to be lifted explicitly (0 = no limit).
        w.WriteBits(1, 1); // bitstream_restriction_flag
        w.WriteBits(1, 1); // motion_vectors_over_pic_boundaries_flag
        w.WriteUe(0); // max_bytes_per_pic_denom
        w.WriteUe(0); // max_bits_per_mb_denom
        w.WriteUe(15); // log2_max_mv_length_horizontal: the default (there are no vectors)
        w.WriteUe(15); // log2_max_mv_length_vertical
        w.WriteUe(0); // max_num_reorder_frames: lets decoders output each frame at once
        w.WriteUe(1); // max_dec_frame_buffering
        w.WriteTrailingBits();
        return w.ToArray();
    }

    private static byte[] PpsRbsp()
    {
        var w = new RbspWriter();
        w.WriteUe(0); // pic_parameter_set_id
        w.WriteUe(0); // seq_parameter_set_id
        w.WriteBits(0, 1); // entropy_coding_mode_flag: CAVLC, as Baseline requires
        w.WriteBits(0, 1); // bottom_field_pic_order_in_frame_present_flag
        w.WriteUe(0); // num_slice_groups_minus1
        w.WriteUe(0); // num_ref_idx_l0_default_active_minus1
        w.WriteUe(0); // num_ref_idx_l1_default_active_minus1
        w.WriteBits(0, 1); // weighted_pred_flag
        w.WriteBits(0, 2); // weighted_bipred_idc
        w.WriteSe(0); // pic_init_qp_minus26
        w.WriteSe(0); // pic_init_qs_minus26
        w.WriteSe(0); // chroma_qp_index_offset
        w.WriteBits(1, 1); // deblocking_filter_control_present_flag: lets slices switch the filter off
        w.WriteBits(0, 1); // constrained_intra_pred_flag
        w.WriteBits(0, 1); // redundant_pic_cnt_present_flag
        w.WriteTrailingBits();
        return w.ToArray();
    }

    private static byte[] SliceRbsp(RgbImage frame, int mbWidth, int mbHeight, uint idrPicId)
    {
        var planes = new YuvPlanes(frame, mbWidth * 16, mbHeight * 16);
        var w = new RbspWriter(mbWidth * mbHeight * 390);
        w.WriteUe(0); // first_mb_in_slice
        w.WriteUe(SliceTypeIAll);
        w.WriteUe(0); // pic_parameter_set_id
        w.WriteBits(0, 4); // frame_num
        w.WriteUe(idrPicId);
        w.WriteBits(0, 1); // no_output_of_prior_pics_flag
        w.WriteBits(0, 1); // long_term_reference_flag
        w.WriteSe(0); // slice_qp_delta
        w.WriteUe(1); // disable_deblocking_filter_idc: nothing to smooth between raw blocks

        for (int mbY = 0; mbY < mbHeight; mbY++)
        {
            for (int mbX = 0; mbX < mbWidth; mbX++)
            {
                w.WriteUe(MbTypeIPcm);
                w.AlignWithZeros(); // pcm_alignment_zero_bit
                planes.CopyMacroblock(w, mbX, mbY);
            }
        }

        w.WriteTrailingBits();
        return w.ToArray();
    }

    /// <summary>
    /// Wraps an RBSP as a NAL unit, inserting emulation-prevention bytes so no 00 00 0x run inside it can
    /// be mistaken for a start code (7.4.1).
    /// </summary>
    private static byte[] Nal(byte header, byte[] rbsp)
    {
        var nal = new List<byte>(rbsp.Length + 16) { header };
        int zeros = 0;
        foreach (byte b in rbsp)
        {
            if (zeros >= 2 && b <= 3)
            {
                nal.Add(3);
                zeros = 0;
            }

            nal.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. nal];
    }

    private static byte[] Ftyp()
    {
        var w = new BoxWriter();
        w.Box("ftyp", () =>
        {
            w.Fourcc("isom");
            w.U32(0x200);
            w.Fourcc("isom");
            w.Fourcc("iso2");
            w.Fourcc("avc1");
            w.Fourcc("mp41");
        });
        return w.ToArray();
    }

    private static byte[] Moov(TrackInfo t, uint mdatPayloadOffset)
    {
        int frames = t.Samples.Length;
        uint mediaTimescale = (uint)(t.Fps * TicksPerFrame);
        uint mediaDuration = (uint)(frames * TicksPerFrame);
        uint movieDuration = (uint)(((long)frames * MovieTimescale + (t.Fps / 2)) / t.Fps);

        var w = new BoxWriter();
        w.Box("moov", () =>
        {
            w.FullBox("mvhd", 0, 0, () =>
            {
                w.U32(0); // creation_time: fixed, so output depends only on the input
                w.U32(0); // modification_time
                w.U32(MovieTimescale);
                w.U32(movieDuration);
                w.U32(0x00010000); // rate 1.0
                w.U16(0x0100); // volume 1.0
                w.Zeros(2 + 8);
                w.UnityMatrix();
                w.Zeros(24); // pre_defined
                w.U32(2); // next_track_ID
            });
            w.Box("trak", () =>
            {
                w.FullBox("tkhd", 0, 0x000003, () => // enabled | in movie
                {
                    w.U32(0);
                    w.U32(0);
                    w.U32(1); // track_ID
                    w.U32(0);
                    w.U32(movieDuration);
                    w.Zeros(8);
                    w.U16(0); // layer
                    w.U16(0); // alternate_group
                    w.U16(0); // volume: video tracks are silent
                    w.U16(0);
                    w.UnityMatrix();
                    w.U32((uint)t.Width << 16);
                    w.U32((uint)t.Height << 16);
                });
                w.Box("mdia", () =>
                {
                    w.FullBox("mdhd", 0, 0, () =>
                    {
                        w.U32(0);
                        w.U32(0);
                        w.U32(mediaTimescale);
                        w.U32(mediaDuration);
                        w.U16(0x55C4); // ISO 639-2 "und", packed 5 bits per letter
                        w.U16(0);
                    });
                    w.FullBox("hdlr", 0, 0, () =>
                    {
                        w.U32(0);
                        w.Fourcc("vide");
                        w.Zeros(12);
                        w.Bytes("VideoHandler\0"u8);
                    });
                    w.Box("minf", () =>
                    {
                        w.FullBox("vmhd", 0, 1, () => w.Zeros(8));
                        w.Box("dinf", () =>
                        {
                            w.FullBox("dref", 0, 0, () =>
                            {
                                w.U32(1);
                                w.FullBox("url ", 0, 1, () => { }); // flag 1: media is in this file
                            });
                        });
                        w.Box("stbl", () => SampleTable(w, t, mdatPayloadOffset));
                    });
                });
            });
        });
        return w.ToArray();
    }

    private static void SampleTable(BoxWriter w, TrackInfo t, uint mdatPayloadOffset)
    {
        int frames = t.Samples.Length;
        w.FullBox("stsd", 0, 0, () =>
        {
            w.U32(1);
            w.Box("avc1", () =>
            {
                w.Zeros(6);
                w.U16(1); // data_reference_index
                w.Zeros(16); // pre_defined + reserved
                w.U16((ushort)t.Width);
                w.U16((ushort)t.Height);
                w.U32(0x00480000); // 72 dpi
                w.U32(0x00480000);
                w.U32(0);
                w.U16(1); // frame_count per sample
                w.Zeros(32); // compressorname
                w.U16(0x0018); // depth: colour, no alpha
                w.U16(0xFFFF); // pre_defined -1
                w.Box("avcC", () =>
                {
                    w.U8(1); // configurationVersion
                    w.U8(ProfileBaseline);
                    w.U8(ConstraintFlags);
                    w.U8(t.Level);
                    w.U8(0xFF); // 4-byte NAL length prefixes
                    w.U8(0xE1); // one SPS
                    w.U16((ushort)t.Sps.Length);
                    w.Bytes(t.Sps);
                    w.U8(1); // one PPS
                    w.U16((ushort)t.Pps.Length);
                    w.Bytes(t.Pps);
                });
            });
        });
        w.FullBox("stts", 0, 0, () =>
        {
            w.U32(1);
            w.U32((uint)frames);
            w.U32(TicksPerFrame);
        });
        w.FullBox("stss", 0, 0, () =>
        {
            w.U32((uint)frames);
            for (int i = 1; i <= frames; i++)
            {
                w.U32((uint)i);
            }
        });

        // One chunk holds every sample, so a single chunk offset locates the whole mdat payload.
        w.FullBox("stsc", 0, 0, () =>
        {
            w.U32(1);
            w.U32(1);
            w.U32((uint)frames);
            w.U32(1);
        });
        w.FullBox("stsz", 0, 0, () =>
        {
            w.U32(0);
            w.U32((uint)frames);
            foreach (var sample in t.Samples)
            {
                w.U32((uint)sample.Length);
            }
        });
        w.FullBox("stco", 0, 0, () =>
        {
            w.U32(1);
            w.U32(mdatPayloadOffset);
        });
    }

    private static void WriteUInt32(Span<byte> span, uint value)
    {
        span[0] = (byte)(value >> 24);
        span[1] = (byte)(value >> 16);
        span[2] = (byte)(value >> 8);
        span[3] = (byte)value;
    }

    private sealed record TrackInfo(int Width, int Height, int Fps, byte Level, byte[] Sps, byte[] Pps, byte[][] Samples);

    /// <summary>
    /// Limited-range BT.601 planes, padded to whole macroblocks by repeating the last column and row
    /// (the padding is cropped away by the SPS).
    /// </summary>
    private sealed class YuvPlanes
    {
        private readonly byte[] _y;
        private readonly byte[] _cb;
        private readonly byte[] _cr;
        private readonly int _width;

        public YuvPlanes(RgbImage frame, int paddedWidth, int paddedHeight)
        {
            _width = paddedWidth;
            _y = new byte[paddedWidth * paddedHeight];
            _cb = new byte[paddedWidth * paddedHeight / 4];
            _cr = new byte[_cb.Length];
            byte[] px = frame.Pixels;
            for (int cy = 0; cy < paddedHeight / 2; cy++)
            {
                for (int cx = 0; cx < paddedWidth / 2; cx++)
                {
                    int sumR = 0, sumG = 0, sumB = 0;
                    for (int dy = 0; dy < 2; dy++)
                    {
                        int y = (cy * 2) + dy;
                        int sy = Math.Min(y, frame.Height - 1);
                        for (int dx = 0; dx < 2; dx++)
                        {
                            int x = (cx * 2) + dx;
                            int sx = Math.Min(x, frame.Width - 1);
                            int i = ((sy * frame.Width) + sx) * 3;
                            int r = px[i], g = px[i + 1], b = px[i + 2];
                            _y[(y * paddedWidth) + x] = (byte)((((66 * r) + (129 * g) + (25 * b) + 128) >> 8) + 16);
                            sumR += r;
                            sumG += g;
                            sumB += b;
                        }
                    }

                    int c = (cy * (paddedWidth / 2)) + cx;
                    int ar = (sumR + 2) >> 2, ag = (sumG + 2) >> 2, ab = (sumB + 2) >> 2;
                    _cb[c] = (byte)((((-38 * ar) - (74 * ag) + (112 * ab) + 128) >> 8) + 128);
                    _cr[c] = (byte)((((112 * ar) - (94 * ag) - (18 * ab) + 128) >> 8) + 128);
                }
            }
        }

        /// <summary>pcm_sample_luma (16x16) then pcm_sample_chroma (Cb 8x8, Cr 8x8), each in raster order.</summary>
        public void CopyMacroblock(RbspWriter w, int mbX, int mbY)
        {
            for (int row = 0; row < 16; row++)
            {
                w.WriteAlignedBytes(_y.AsSpan((((mbY * 16) + row) * _width) + (mbX * 16), 16));
            }

            int chromaWidth = _width / 2;
            foreach (byte[] plane in new[] { _cb, _cr })
            {
                for (int row = 0; row < 8; row++)
                {
                    w.WriteAlignedBytes(plane.AsSpan((((mbY * 8) + row) * chromaWidth) + (mbX * 8), 8));
                }
            }
        }
    }

    /// <summary>Most-significant-bit-first writer with the Exp-Golomb codes of H.264 clause 9.1.</summary>
    private sealed class RbspWriter(int capacity = 64)
    {
        private readonly MemoryStream _output = new(capacity);
        private uint _current;
        private int _count;

        public void WriteBits(uint value, int bits)
        {
            for (int i = bits - 1; i >= 0; i--)
            {
                _current = (_current << 1) | ((value >> i) & 1);
                if (++_count == 8)
                {
                    _output.WriteByte((byte)_current);
                    _current = 0;
                    _count = 0;
                }
            }
        }

        public void WriteUe(uint value)
        {
            uint codeNum = value + 1;
            int leadingZeros = BitOperations.Log2(codeNum);
            WriteBits(0, leadingZeros);
            WriteBits(codeNum, leadingZeros + 1);
        }

        public void WriteSe(int value) => WriteUe(value > 0 ? (uint)((2 * value) - 1) : (uint)(-2 * value));

        public void AlignWithZeros()
        {
            if (_count != 0)
            {
                WriteBits(0, 8 - _count);
            }
        }

        public void WriteAlignedBytes(ReadOnlySpan<byte> bytes)
        {
            if (_count != 0)
            {
                throw new InvalidOperationException("Byte writes need a byte-aligned position.");
            }

            _output.Write(bytes);
        }

        public void WriteTrailingBits()
        {
            WriteBits(1, 1);
            AlignWithZeros();
        }

        public byte[] ToArray() => _output.ToArray();
    }

    /// <summary>Big-endian ISO-BMFF box writer; sizes are patched in once a box's body is written.</summary>
    private sealed class BoxWriter
    {
        private readonly MemoryStream _output = new();

        public void Box(string type, Action body)
        {
            long start = _output.Position;
            U32(0);
            Fourcc(type);
            body();
            long end = _output.Position;
            _output.Position = start;
            U32((uint)(end - start));
            _output.Position = end;
        }

        public void FullBox(string type, byte version, uint flags, Action body) => Box(type, () =>
        {
            U32(((uint)version << 24) | flags);
            body();
        });

        public void U8(byte value) => _output.WriteByte(value);

        public void U16(ushort value)
        {
            U8((byte)(value >> 8));
            U8((byte)value);
        }

        public void U32(uint value)
        {
            Span<byte> bytes = stackalloc byte[4];
            WriteUInt32(bytes, value);
            _output.Write(bytes);
        }

        public void Fourcc(string code) => _output.Write(Encoding.ASCII.GetBytes(code));

        public void Bytes(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

        public void Zeros(int count)
        {
            for (int i = 0; i < count; i++)
            {
                _output.WriteByte(0);
            }
        }

        public void UnityMatrix()
        {
            U32(0x00010000);
            U32(0);
            U32(0);
            U32(0);
            U32(0x00010000);
            U32(0);
            U32(0);
            U32(0);
            U32(0x40000000);
        }

        public byte[] ToArray() => _output.ToArray();
    }
}
