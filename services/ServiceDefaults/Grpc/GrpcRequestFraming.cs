using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// What a request body that carries exactly one gRPC message must look like: a 5-byte prefix (flag 0 or 1,
/// big-endian length), exactly that many bytes, nothing after, and bytes that parse as the method's request
/// message. grpc-dotnet reads a unary or server-streaming request before any interceptor runs, and answers
/// a broken one with INTERNAL ("Incomplete message") or UNKNOWN (a message that does not parse); the
/// caller sent it, so MediaMesh checks it first and answers INVALID_ARGUMENT. A message above the size
/// limit or in an encoding the server does not speak is left to grpc-dotnet (RESOURCE_EXHAUSTED,
/// UNIMPLEMENTED). The gRPC compression spec asks INTERNAL for a compressed flag without an encoding; here
/// that is the caller's error too.
/// </summary>
public static class GrpcRequestFraming
{
    public const int PrefixLength = 5;

    /// <summary>What is wrong with a body (for the caller, on the field "request"), or null when grpc-dotnet may read it.</summary>
    public static string? Check(ReadOnlySpan<byte> body, string? encoding, int maxMessageLength, MessageParser parser, string messageName)
    {
        if (body.IsEmpty)
        {
            return "the request has no message: a gRPC request body is a 5-byte prefix and one message";
        }

        if (body.Length < PrefixLength)
        {
            return $"the request body of {body.Length} bytes ends inside the 5-byte message prefix";
        }

        var flag = body[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(body[1..PrefixLength]);
        if (flag > 1)
        {
            return $"the message prefix's compressed flag is {flag}; it must be 0 or 1";
        }

        if (length > maxMessageLength)
        {
            return null;
        }

        var remaining = body.Length - PrefixLength;
        if (length > remaining)
        {
            return $"the message prefix declares {length} bytes but the body holds {remaining}";
        }

        if (length < remaining)
        {
            return $"the body holds {remaining - length} bytes after the one message this method takes";
        }

        var message = body[PrefixLength..];
        if (flag == 1)
        {
            if (string.IsNullOrEmpty(encoding) || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                return "the message is marked compressed but the call names no grpc-encoding";
            }

            if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            byte[]? inflated;
            try
            {
                inflated = Gunzip(message, maxMessageLength);
            }
            catch (InvalidDataException)
            {
                return "the message is marked gzip but does not decompress";
            }

            // Larger than the limit once inflated: grpc-dotnet refuses it with RESOURCE_EXHAUSTED.
            return inflated is null ? null : Parses(inflated, parser, messageName);
        }

        return Parses(message, parser, messageName);
    }

    private static string? Parses(ReadOnlySpan<byte> message, MessageParser parser, string messageName)
    {
        try
        {
            parser.ParseFrom(message);
            return null;
        }
        catch (Exception e) when (IsUnparsable(e))
        {
            return $"the message is not a valid {messageName} ({Describe(e)})";
        }
    }

    /// <summary>Google.Protobuf refuses bytes with InvalidProtocolBufferException, and a string that is not UTF-8 with the decoder's exception.</summary>
    internal static bool IsUnparsable(Exception e) => e is InvalidProtocolBufferException or DecoderFallbackException;

    /// <summary>Google.Protobuf's messages name no internals ("String is invalid UTF-8", a wire type); the decoder's quotes the bytes.</summary>
    internal static string Describe(Exception e) => e is DecoderFallbackException ? "String is invalid UTF-8" : e.Message.TrimEnd('.');

    /// <summary>The inflated bytes, or null past <paramref name="maxLength"/>; InvalidDataException when not gzip.</summary>
    private static byte[]? Gunzip(ReadOnlySpan<byte> compressed, int maxLength)
    {
        using var input = new MemoryStream(compressed.ToArray());
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = gzip.Read(buffer)) > 0)
        {
            if (output.Length + read > maxLength)
            {
                return null;
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
