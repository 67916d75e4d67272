using System.Buffers.Binary;
using System.IO.Compression;

namespace MediaMesh.TestSupport;

/// <summary>gRPC length-prefixed frames built by hand, right or deliberately wrong, for tests of what a server does with them.</summary>
public static class GrpcFrames
{
    /// <summary>A 5-byte prefix (compressed flag, big-endian length, both as given, true or not) and the payload.</summary>
    public static byte[] Prefix(byte flag, int length, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Gzip(byte[] payload)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return buffer.ToArray();
    }
}
