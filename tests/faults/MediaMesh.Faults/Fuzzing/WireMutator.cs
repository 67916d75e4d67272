using System.Buffers.Binary;
using System.IO.Compression;

namespace MediaMesh.Faults.Fuzzing;

/// <summary>What a fuzzed call sends besides its message: how the body is framed and which headers change.</summary>
public enum Framing
{
    Normal,
    LengthTooShort,
    LengthTooLong,
    LengthHuge,
    CompressedFlagWithoutEncoding,
    GzipGarbage,
    GzipValid,
    TwoMessages,
    HalfHeader,
    EmptyBody,
}

public enum HeaderMutation
{
    None,
    NoKey,
    WrongKey,
    BadTimeout,
    UnknownEncoding,
    WrongContentType,
    HugeHeader,
    NoTe,
}

/// <summary>Damage done to valid protobuf bytes and to the gRPC length-prefixed framing around them.</summary>
public sealed class WireMutator(Random random)
{
    /// <summary>Flips, truncates, extends or corrupts the message bytes in one of several ways.</summary>
    public byte[] MutateBytes(byte[] message)
    {
        var bytes = (byte[])message.Clone();
        switch (random.Next(7))
        {
            case 0 when bytes.Length > 1:
                return bytes[..random.Next(1, bytes.Length)];
            case 1 when bytes.Length > 0:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 2:
                // An over-long varint (11 continuation bytes) where a tag or a value is read.
                return [.. bytes, 0x08, .. Enumerable.Repeat((byte)0xFF, 11)];
            case 3:
                // A length-delimited field whose length runs past the end.
                return [.. bytes, 0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x41];
            case 4:
                // Field number 0 and wire types 6/7, which do not exist.
                return [.. bytes, (byte)(random.Next(2) == 0 ? 0x00 : 0x0E), 0x01];
            case 5:
                var garbage = new byte[random.Next(1, 200)];
                random.NextBytes(garbage);
                return [.. bytes, .. garbage];
            default:
                var all = new byte[random.Next(1, 400)];
                random.NextBytes(all);
                return all;
        }
    }

    /// <summary>The request body for <paramref name="message"/> framed as <paramref name="framing"/> says.</summary>
    public static byte[] Frame(byte[] message, Framing framing) => framing switch
    {
        Framing.Normal => Prefix(0, message.Length, message),
        Framing.LengthTooShort => Prefix(0, Math.Max(0, message.Length - 1 - (message.Length / 2)), message),
        Framing.LengthTooLong => Prefix(0, message.Length + 7, message),
        Framing.LengthHuge => Prefix(0, int.MaxValue, message),
        Framing.CompressedFlagWithoutEncoding => Prefix(1, message.Length, message),
        Framing.GzipGarbage => Prefix(1, message.Length, message),
        Framing.GzipValid => Gzipped(message),
        Framing.TwoMessages => [.. Prefix(0, message.Length, message), .. Prefix(0, message.Length, message)],
        Framing.HalfHeader => [0, 0, 0],
        Framing.EmptyBody => [],
        _ => throw new ArgumentOutOfRangeException(nameof(framing)),
    };

    private static byte[] Prefix(byte flag, int length, byte[] message)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), length);
        message.CopyTo(frame, 5);
        return frame;
    }

    private static byte[] Gzipped(byte[] message)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(message);
        }

        return Prefix(1, (int)buffer.Length, buffer.ToArray());
    }
}
