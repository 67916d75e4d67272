using System.Buffers.Binary;
using Google.Protobuf;

namespace MediaMesh.Proxy.Bench;

/// <summary>One unary gRPC call, encoded once: its path, its request in a gRPC frame, and the status that counts as success.</summary>
public sealed record GrpcCall(string Name, string Path, byte[] Frame, int ExpectedStatus = 0)
{
    public const int NotFound = 5;

    public static GrpcCall Of(string name, string path, IMessage request, int expectedStatus = 0) =>
        new(name, path, FrameOf(request.ToByteArray()), expectedStatus);

    /// <summary>The gRPC length-prefixed message: no compression flag, 4-byte big-endian length, the bytes.</summary>
    public static byte[] FrameOf(ReadOnlySpan<byte> message)
    {
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame.AsSpan(5));
        return frame;
    }
}
