extern alias gateway;
using System.Net;
using System.Net.Http.Headers;
using gateway::MediaMesh.Gateway.Errors;
using MediaMesh.TestSupport;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// A gRPC-Web (HTTP/1.1) caller refused before it has sent its whole body keeps writing; Kestrel alone would
/// drain for 5 s and then close the connection, and the caller would see a reset instead of its status. Each
/// body here takes about 8 s to send.
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class LingeringDrainTests(Mesh mesh)
{
    private const string GetOrganization = "/mediamesh.organization.v1.OrganizationService/GetOrganization";
    private const int Chunks = 80;
    private const int ChunkSize = 80 * 1024;

    /// <summary>
    /// Refused by the gateway itself (no key: UNAUTHENTICATED), or by the backend on the message prefix while the
    /// caller is still sending (a message over 4 MiB: RESOURCE_EXHAUSTED), where YARP gives up its read of the
    /// caller's body and the drain continues from it.
    /// </summary>
    [Theory]
    [InlineData(false, "16")]
    [InlineData(true, "8")]
    public async Task A_grpc_web_caller_refused_before_its_slow_body_ends_gets_its_status_not_a_reset(bool withKey, string expectedStatus)
    {
        Assert.True(LingeringRequestDrain.MaxTime > TimeSpan.FromSeconds(10));
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(60) };
        for (var call = 0; call < 2; call++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{mesh.Gateway.WebPort}{GetOrganization}")
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new SlowBody(),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
            request.Headers.Add("x-grpc-web", "1");
            if (withKey)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", mesh.Coordinator.ApiKey);
            }

            // Before the drain: HttpRequestException "Error while copying content to a stream" (connection reset).
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expectedStatus, GrpcStatusOf(response, body));
        }
    }

    /// <summary>
    /// A body over Kestrel's 30 MB default limit, refused by the gateway before it forwards anything (no key): the
    /// drain reads past 30 MB (the fuzzer's gRPC-Web calls of tens of MB refused this way were reset once the drain
    /// hit Kestrel's limit).
    /// </summary>
    [Fact]
    public async Task A_grpc_web_caller_of_over_30_MB_refused_by_the_gateway_gets_its_status_not_a_reset()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(60) };
        var message = new byte[40_000_000];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{mesh.Gateway.WebPort}{GetOrganization}")
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([.. GrpcFrames.Prefix(0, message.Length, []), .. message]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
        request.Headers.Add("x-grpc-web", "1");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("16", GrpcStatusOf(response, body));
    }

    /// <summary>grpc-status from the headers of a trailers-only answer, or from the gRPC-Web trailer frame in the body.</summary>
    private static string? GrpcStatusOf(HttpResponseMessage response, byte[] body)
    {
        if (response.Headers.TryGetValues("grpc-status", out var values))
        {
            return values.First();
        }

        var text = System.Text.Encoding.ASCII.GetString(body);
        var at = text.IndexOf("grpc-status:", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? null : text[(at + "grpc-status:".Length)..].TrimStart().Split('\r', '\n')[0].Trim();
    }

    /// <summary>One gRPC-Web message of 6.25 MiB, sent in chunks over about 8 s, its length known up front.</summary>
    private sealed class SlowBody : HttpContent
    {
        private static readonly byte[] Chunk = new byte[ChunkSize];

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(GrpcFrames.Prefix(0, Chunks * ChunkSize, []));
            for (var i = 0; i < Chunks; i++)
            {
                await stream.WriteAsync(Chunk);
                await stream.FlushAsync();
                await Task.Delay(100);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 5L + (long)Chunks * ChunkSize;
            return true;
        }
    }
}
