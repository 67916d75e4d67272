using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using MediaMesh.TestSupport;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// A gRPC call made with a bare HTTP/2 client, so that what the gateway answers is seen exactly as
/// sent: a grpc-dotnet client enforces its own deadline and would hide the gateway's status behind
/// its local DEADLINE_EXCEEDED. The caller's deadline travels only as the grpc-timeout header.
/// </summary>
public static class RawGrpcCall
{
    /// <summary>What came back: the grpc-status (from the headers of a trailers-only answer or from the trailers), or null if the stream was reset without one.</summary>
    public sealed record Outcome(string? GrpcStatus, string? GrpcMessage, string? Failure)
    {
        public override string ToString() => GrpcStatus is null ? $"reset without a status ({Failure})" : $"grpc-status {GrpcStatus} {GrpcMessage}";
    }

    public static async Task<Outcome> SendAsync(int port, string path, string apiKey, string grpcTimeout, HttpContent body, string? grpcEncoding = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Headers.Add("grpc-timeout", grpcTimeout);
        if (grpcEncoding is not null)
        {
            request.Headers.Add("grpc-encoding", grpcEncoding);
        }
        body.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (Header(response.Headers, "grpc-status") is { } headerStatus)
            {
                return new Outcome(headerStatus, Header(response.Headers, "grpc-message"), null);
            }

            await using (var stream = await response.Content.ReadAsStreamAsync())
            {
                await stream.CopyToAsync(Stream.Null);
            }

            return new Outcome(Header(response.TrailingHeaders, "grpc-status"), Header(response.TrailingHeaders, "grpc-message"), "no grpc-status trailer");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new Outcome(null, null, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>One length-prefixed gRPC message.</summary>
    public static byte[] Frame(IMessage message)
    {
        var payload = message.ToByteArray();
        return GrpcFrames.Prefix(0, payload.Length, payload);
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>
    /// A request body that sends its first message and then one more every few milliseconds for as
    /// long as the call lasts (at most <paramref name="upTo"/>): an upload still open when the deadline strikes.
    /// </summary>
    public sealed class TricklingBody(byte[] first, Func<byte[]> next, TimeSpan upTo) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            var until = DateTime.UtcNow + upTo;
            try
            {
                while (DateTime.UtcNow < until)
                {
                    await Task.Delay(5);
                    await stream.WriteAsync(next());
                    await stream.FlushAsync();
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
            {
                // The call ended under the body: what the test is about.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
