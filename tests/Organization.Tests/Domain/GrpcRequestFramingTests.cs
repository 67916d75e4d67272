using Google.Protobuf;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests.Domain;

/// <summary>The check of a one-message gRPC body that runs before grpc-dotnet reads it.</summary>
public sealed class GrpcRequestFramingTests
{
    private const int Limit = 4 * 1024 * 1024;
    private static readonly byte[] Message = new OrgV1.GetOrganizationRequest { Id = "org_0123456789abcdef" }.ToByteArray();

    private static string? Check(byte[] body, string? encoding = null) =>
        GrpcRequestFraming.Check(body, encoding, Limit, OrgV1.GetOrganizationRequest.Parser, OrgV1.GetOrganizationRequest.Descriptor.FullName);

    private static byte[] Frame(byte flag, uint length, byte[] payload) => GrpcFrames.Prefix(flag, unchecked((int)length), payload);

    private static byte[] Gzip(byte[] payload) => GrpcFrames.Gzip(payload);

    [Fact]
    public void A_well_framed_message_and_an_empty_message_pass()
    {
        Assert.Null(Check(Frame(0, (uint)Message.Length, Message)));
        Assert.Null(Check(Frame(0, 0, [])));
    }

    [Fact]
    public void A_gzip_message_with_its_encoding_passes_and_garbage_marked_gzip_does_not()
    {
        var gzipped = Gzip(Message);
        Assert.Null(Check(Frame(1, (uint)gzipped.Length, gzipped), "gzip"));
        Assert.Contains("does not decompress", Check(Frame(1, (uint)Message.Length, Message), "gzip"));
    }

    public static TheoryData<string, byte[], string?, string> Malformed => new()
    {
        { "empty body", [], null, "has no message" },
        { "half a prefix", [0, 0, 0], null, "ends inside the 5-byte message prefix" },
        { "flag 2", Frame(2, (uint)Message.Length, Message), null, "compressed flag is 2" },
        { "length too long", Frame(0, (uint)Message.Length + 7, Message), null, $"declares {Message.Length + 7} bytes but the body holds {Message.Length}" },
        { "length too short", Frame(0, 3, Message), null, $"holds {Message.Length - 3} bytes after the one message" },
        { "two messages", [.. Frame(0, (uint)Message.Length, Message), .. Frame(0, (uint)Message.Length, Message)], null, "after the one message" },
        { "compressed without encoding", Frame(1, (uint)Message.Length, Message), null, "names no grpc-encoding" },
        { "compressed with identity", Frame(1, (uint)Message.Length, Message), "identity", "names no grpc-encoding" },
        { "truncated field", Frame(0, (uint)Message.Length - 4, Message[..^4]), null, "not a valid mediamesh.organization.v1.GetOrganizationRequest" },
        { "invalid UTF-8 in a string", Frame(0, 4, [0x0A, 0x02, 0xC3, 0x28]), null, "not a valid mediamesh.organization.v1.GetOrganizationRequest" },
        { "wire type 7", Frame(0, 2, [0x0F, 0x01]), null, "not a valid" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_body_is_described_for_the_caller(string _, byte[] body, string? encoding, string expected)
    {
        var problem = Check(body, encoding);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void What_grpc_dotnet_refuses_itself_is_left_to_it()
    {
        // Over the size limit (RESOURCE_EXHAUSTED) and an encoding the server does not speak (UNIMPLEMENTED).
        Assert.Null(Check(Frame(0, Limit + 1, Message)));
        Assert.Null(Check(Frame(1, (uint)Message.Length, Message), "snappy"));
    }
}
