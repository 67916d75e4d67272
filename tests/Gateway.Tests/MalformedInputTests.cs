using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// Bytes that are not a request, sent through the gateway the way a broken or hostile client sends them:
/// every one is INVALID_ARGUMENT naming "request" (never grpc-dotnet's UNKNOWN or INTERNAL), over native
/// gRPC, gRPC-Web and REST, for unary, server-streaming and client-streaming methods alike.
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class MalformedInputTests(Mesh mesh)
{
    private const string GetOrganization = "/mediamesh.organization.v1.OrganizationService/GetOrganization";
    private const string DownloadRendition = "/mediamesh.exchange.v1.MediaService/DownloadRendition";
    private const string UploadRendition = "/mediamesh.exchange.v1.MediaService/UploadRendition";

    private static byte[] Prefix(byte flag, int length, byte[] payload) => GrpcFrames.Prefix(flag, length, payload);

    private byte[] OwnOrganization() => new OrgV1.GetOrganizationRequest { Id = mesh.Coordinator.OrganizationId }.ToByteArray();

    private Task<RawGrpcCall.Outcome> SendAsync(string path, byte[] body, string? encoding = null) =>
        RawGrpcCall.SendAsync(mesh.Gateway.GrpcPort, path, mesh.Coordinator.ApiKey, "20S", new ByteArrayContent(body), encoding);

    private static void AssertMalformed(RawGrpcCall.Outcome outcome, string expected)
    {
        Assert.True(outcome.GrpcStatus == "3", outcome.ToString());
        var message = Uri.UnescapeDataString(outcome.GrpcMessage ?? string.Empty);
        Assert.StartsWith("Invalid request: request: ", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Framings => new()
    {
        { "empty", "has no message" },
        { "half-prefix", "ends inside the 5-byte message prefix" },
        { "flag-7", "compressed flag is 7" },
        { "too-long", "but the body holds" },
        { "too-short", "after the one message" },
        { "two-messages", "after the one message" },
        { "compressed-without-encoding", "names no grpc-encoding" },
        { "truncated", "is not a valid mediamesh.organization.v1.GetOrganizationRequest" },
        { "not-utf8", "String is invalid UTF-8" },
        { "wire-type-7", "is not a valid mediamesh.organization.v1.GetOrganizationRequest" },
    };

    private byte[] Body(string framing)
    {
        var message = OwnOrganization();
        return framing switch
        {
            "empty" => [],
            "half-prefix" => [0, 0, 0],
            "flag-7" => Prefix(7, message.Length, message),
            "too-long" => Prefix(0, message.Length + 7, message),
            "too-short" => Prefix(0, message.Length - 3, message),
            "two-messages" => [.. Prefix(0, message.Length, message), .. Prefix(0, message.Length, message)],
            "compressed-without-encoding" => Prefix(1, message.Length, message),
            "truncated" => Prefix(0, message.Length - 2, message[..^2]),
            "not-utf8" => Prefix(0, 4, [0x0A, 0x02, 0xC3, 0x28]),
            "wire-type-7" => Prefix(0, message.Length + 2, [.. message, 0x0F, 0x01]),
            _ => throw new ArgumentOutOfRangeException(nameof(framing)),
        };
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task A_unary_call_with_broken_bytes_is_invalid_argument(string framing, string expected)
    {
        AssertMalformed(await SendAsync(GetOrganization, Body(framing)), expected);

        var message = OwnOrganization();
        Assert.Equal("0", (await SendAsync(GetOrganization, Prefix(0, message.Length, message))).GrpcStatus);
    }

    // 5 MB is over the services' 4 MiB message limit; 32 MB is over Kestrel's 30 MB default body limit as well,
    // which the gateway lifts for gRPC calls (the fuzzer found such calls answered without a grpc-status).
    [Theory]
    [InlineData(5_000_000)]
    [InlineData(32_000_000)]
    public async Task A_unary_message_over_the_size_limit_is_resource_exhausted(int length)
    {
        var bytes = new byte[length];
        bytes[0] = 0x0A; // field 1 (id), length-delimited: the rest is a huge id
        var outcome = await SendAsync(GetOrganization, Prefix(0, length, bytes));

        Assert.True(outcome.GrpcStatus == "8", outcome.ToString());
        Assert.Contains("larger than the limit", Uri.UnescapeDataString(outcome.GrpcMessage ?? string.Empty), StringComparison.Ordinal);
        var message = OwnOrganization();
        Assert.Equal("0", (await SendAsync(GetOrganization, Prefix(0, message.Length, message))).GrpcStatus);
    }

    [Fact]
    public async Task Gzip_with_its_encoding_is_read_and_gzip_garbage_is_invalid_argument()
    {
        var message = OwnOrganization();
        var gzipped = GrpcFrames.Gzip(message);

        Assert.Equal("0", (await SendAsync(GetOrganization, Prefix(1, gzipped.Length, gzipped), "gzip")).GrpcStatus);
        AssertMalformed(await SendAsync(GetOrganization, Prefix(1, message.Length, message), "gzip"), "does not decompress");
    }

    [Fact]
    public async Task A_server_streaming_call_with_broken_bytes_is_invalid_argument()
    {
        var request = new V1.DownloadRenditionRequest { Id = "ren_missing", ChunkSize = 1024 }.ToByteArray();
        AssertMalformed(await SendAsync(DownloadRendition, Prefix(0, request.Length + 9, request)), "but the body holds");
        AssertMalformed(await SendAsync(DownloadRendition, Prefix(0, request.Length + 2, [.. request, 0x0F, 0x01])),
            "is not a valid mediamesh.exchange.v1.DownloadRenditionRequest");
    }

    [Fact]
    public async Task A_client_stream_with_a_broken_message_or_frame_is_invalid_argument()
    {
        var target = new V1.UploadRenditionRequest { Target = new V1.UploadTarget { RenditionId = "ren_missing" } }.ToByteArray();
        AssertMalformed(await SendAsync(UploadRendition, Prefix(0, 4, [0x0A, 0x02, 0xC3, 0x28])), "a message of the stream is not a valid UploadRenditionRequest");
        AssertMalformed(await SendAsync(UploadRendition, [0, 0]), "the stream's framing is broken");
        AssertMalformed(await SendAsync(UploadRendition, Prefix(1, target.Length, target)), "the stream's framing is broken");
        AssertMalformed(await SendAsync(UploadRendition, Prefix(7, target.Length, target)), "compressed flag is neither 0 nor 1");
    }

    [Fact]
    public async Task Grpc_web_and_grpc_web_text_with_broken_bytes_are_invalid_argument()
    {
        var message = OwnOrganization();
        var (status, text) = await GrpcWebAsync("application/grpc-web-text", Encoding.ASCII.GetBytes(Convert.ToBase64String(Prefix(0, message.Length, message))));
        Assert.True(status == "0", text);
        (status, text) = await GrpcWebAsync("application/grpc-web", Prefix(0, message.Length, message));
        Assert.True(status == "0", text);

        (status, text) = await GrpcWebAsync("application/grpc-web", Prefix(0, message.Length + 5, message));
        Assert.True(status == "3", text);
        Assert.Contains("but the body holds", text, StringComparison.Ordinal);

        (status, text) = await GrpcWebAsync("application/grpc-web-text", Encoding.ASCII.GetBytes("!!not*base64!!"));
        Assert.True(status == "3", text);
        Assert.Contains("not valid base64", text, StringComparison.Ordinal);

    }

    [Fact]
    public async Task A_grpc_method_called_with_another_content_type_is_415_invalid_argument()
    {
        var message = OwnOrganization();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{mesh.Gateway.GrpcPort}{GetOrganization}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Prefix(0, message.Length, message)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", mesh.Coordinator.ApiKey);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("3", response.Headers.GetValues("grpc-status").Single());
        Assert.Contains("content-type", Uri.UnescapeDataString(response.Headers.GetValues("grpc-message").Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rest_refusals_carry_their_details_and_broken_json_is_400()
    {
        using var http = mesh.Gateway.Rest(mesh.Coordinator.ApiKey);

        using var invalid = await http.PostAsync("/v1/organizations", new StringContent(
            """{"kind":"ORGANIZATION_KIND_BROADCASTER","names":[{"language":"es","text":"Radio X","original":true}],"countryCode":"XX"}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using (var body = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()))
        {
            Assert.Equal(3, body.RootElement.GetProperty("code").GetInt32());
            var detail = body.RootElement.GetProperty("details")[0];
            Assert.Equal("type.googleapis.com/google.rpc.BadRequest", detail.GetProperty("@type").GetString());
            Assert.Equal("organization.country_code", detail.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
        }

        foreach (var broken in new[] { "{\"kind\":", "[1,2]", "{\"countryCode\":{}}", "{\"kind\":\"NO_SUCH_KIND\"}" })
        {
            using var response = await http.PostAsync("/v1/organizations", new StringContent(broken, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{broken}: HTTP {(int)response.StatusCode}");
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(3, body.RootElement.GetProperty("code").GetInt32());
        }
    }

    /// <summary>A gRPC-Web call over HTTP/1.1; the status from the headers (trailers-only) or from the body's trailer frame.</summary>
    private async Task<(string? Status, string Text)> GrpcWebAsync(string contentType, byte[] body)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{mesh.Gateway.WebPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, GetOrganization) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", mesh.Coordinator.ApiKey);
        request.Headers.Accept.ParseAdd(contentType);
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.Content.Headers.ContentType?.MediaType == "application/grpc-web-text" && bytes.Length > 0)
        {
            bytes = DecodeBase64Segments(Encoding.ASCII.GetString(bytes));
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (response.Headers.TryGetValues("grpc-status", out var values))
        {
            var message = response.Headers.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.First()) : string.Empty;
            return (values.First(), message);
        }

        var status = TrailerFrame(bytes).Split("\r\n").Select(line => line.Split(':', 2)).FirstOrDefault(p => p[0] == "grpc-status")?[1].Trim();
        return (status, $"HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType}: " + Uri.UnescapeDataString(text));
    }

    /// <summary>grpc-web-text may send each frame as its own padded base64 segment.</summary>
    private static byte[] DecodeBase64Segments(string text)
    {
        var output = new List<byte>();
        var start = 0;
        for (var i = 0; i + 4 <= text.Length; i += 4)
        {
            if (text[i + 3] == '=' || i + 4 == text.Length)
            {
                output.AddRange(Convert.FromBase64String(text[start..(i + 4)]));
                start = i + 4;
            }
        }

        return [.. output];
    }

    /// <summary>The text of the gRPC-Web trailer frame (flag 0x80) of a response body; empty if there is none.</summary>
    private static string TrailerFrame(byte[] body)
    {
        for (var offset = 0; offset + 5 <= body.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset + 1));
            if ((body[offset] & 0x80) != 0)
            {
                return Encoding.ASCII.GetString(body, offset + 5, Math.Min(length, body.Length - offset - 5));
            }

            offset += 5 + length;
        }

        return string.Empty;
    }
}
