using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MediaMesh.Faults.Fuzzing;

/// <summary>
/// Sends hand-made requests to the gateway without any gRPC library in the way (a library would refuse
/// to send most of them): gRPC over h2c on the gateway's gRPC port, gRPC-Web and REST over HTTP/1.1 on
/// its web port. Reads each answer to its end and takes the status from trailers, trailers-only headers,
/// the gRPC-Web trailer frame or the REST error body.
/// </summary>
public sealed class RawCaller : IDisposable
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(8);

    private readonly HttpClient _h2;
    private readonly HttpClient _h1;
    private readonly Uri _grpcBase;
    private readonly Uri _webBase;

    public RawCaller(int grpcPort, int webPort)
    {
        _grpcBase = new Uri($"http://127.0.0.1:{grpcPort}");
        _webBase = new Uri($"http://127.0.0.1:{webPort}");
        _h2 = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _h1 = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 64 })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public async Task<FuzzCall> GrpcAsync(FuzzCall call, string path, byte[] body, string apiKey, HeaderMutation headers, Framing framing, bool serverStreams, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_grpcBase, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(headers == HeaderMutation.WrongContentType ? "application/json" : "application/grpc");
        if (headers != HeaderMutation.NoTe)
        {
            request.Headers.TryAddWithoutValidation("te", "trailers");
        }

        ApplyCommon(request, apiKey, headers, framing, serverStreams);
        return await SendAsync(_h2, call with { Request = Sample(body) }, request, ReadGrpc, ct);
    }

    public async Task<FuzzCall> GrpcWebAsync(FuzzCall call, string path, byte[] body, string apiKey, HeaderMutation headers, Framing framing, bool serverStreams, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_webBase, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(headers == HeaderMutation.WrongContentType ? "text/plain" : "application/grpc-web+proto");
        request.Headers.TryAddWithoutValidation("x-grpc-web", "1");
        ApplyCommon(request, apiKey, headers, framing, serverStreams);
        return await SendAsync(_h1, call with { Request = Sample(body) }, request, ReadGrpcWeb, ct);
    }

    public async Task<FuzzCall> RestAsync(FuzzCall call, HttpMethod method, string pathAndQuery, string? json, string apiKey, HeaderMutation headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, _webBase + pathAndQuery.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        ApplyCommon(request, apiKey, headers, Framing.Normal, serverStreams: false);
        return await SendAsync(_h1, call with { Request = json is null ? null : Sample(Encoding.UTF8.GetBytes(json)) }, request, ReadRest, ct);
    }

    private static void ApplyCommon(HttpRequestMessage request, string apiKey, HeaderMutation headers, Framing framing, bool serverStreams)
    {
        switch (headers)
        {
            case HeaderMutation.NoKey:
                break;
            case HeaderMutation.WrongKey:
                request.Headers.TryAddWithoutValidation("authorization", "Bearer mmk_" + new string('x', 4000));
                break;
            default:
                request.Headers.TryAddWithoutValidation("authorization", "Bearer " + apiKey);
                break;
        }

        // Streams that would stay open (a feed) end by the call's deadline.
        var timeout = headers == HeaderMutation.BadTimeout ? "99999999999H" : serverStreams ? "1500m" : "5S";
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        if (headers == HeaderMutation.UnknownEncoding)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");
        }
        else if (framing is Framing.GzipGarbage or Framing.GzipValid)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        if (headers == HeaderMutation.HugeHeader)
        {
            request.Headers.TryAddWithoutValidation("x-fuzz", new string('h', 8000));
        }
    }

    private static async Task<FuzzCall> SendAsync(HttpClient client, FuzzCall call, HttpRequestMessage request,
        Func<FuzzCall, HttpResponseMessage, byte[], FuzzCall> read, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(CallLimit);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            var body = await response.Content.ReadAsByteArrayAsync(limit.Token);
            return read(call, response, body);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return call with { CutByFuzzer = true };
        }
        catch (HttpRequestException e)
        {
            return call with { Error = e.HttpRequestError + (e.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : string.Empty) };
        }
        catch (IOException e)
        {
            return call with { Error = e.GetType().Name };
        }
    }

    private static FuzzCall ReadGrpc(FuzzCall call, HttpResponseMessage response, byte[] body) =>
        call with
        {
            HttpStatus = (int)response.StatusCode,
            GrpcStatus = StatusOf(response.TrailingHeaders) ?? StatusOf(response.Headers),
            Answer = $"body {body.Length:N0} B, headers [{string.Join(" ", response.Headers.Concat(response.Content.Headers).Select(h => h.Key))}], "
                + $"trailers [{string.Join(" ", response.TrailingHeaders.Select(h => h.Key))}]",
        };

    /// <summary>A request body in short: its size and its first 48 bytes in hex.</summary>
    private static string Sample(byte[] body) => $"{body.Length:N0} B {Convert.ToHexString(body.AsSpan(0, Math.Min(48, body.Length)))}";

    private static FuzzCall ReadGrpcWeb(FuzzCall call, HttpResponseMessage response, byte[] body)
    {
        var status = StatusOf(response.Headers);
        // Frames: flag byte, 4-byte length, payload; flag 0x80 marks the trailers, "name: value\r\n" lines.
        for (var offset = 0; status is null && offset + 5 <= body.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset + 1));
            if (length < 0 || offset + 5 + length > body.Length)
            {
                break;
            }

            if ((body[offset] & 0x80) != 0)
            {
                foreach (var line in Encoding.ASCII.GetString(body, offset + 5, length).Split("\r\n"))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0 && line[..colon].Trim().Equals("grpc-status", StringComparison.OrdinalIgnoreCase)
                        && int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                    {
                        status = code;
                    }
                }
            }

            offset += 5 + length;
        }

        return call with { HttpStatus = (int)response.StatusCode, GrpcStatus = status };
    }

    private static FuzzCall ReadRest(FuzzCall call, HttpResponseMessage response, byte[] body)
    {
        var http = (int)response.StatusCode;
        if (http < 300)
        {
            return call with { HttpStatus = http, GrpcStatus = 0 };
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            return call with
            {
                HttpStatus = http,
                GrpcStatus = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var code) && code.TryGetInt32(out var value)
                    ? value
                    : null,
            };
        }
        catch (JsonException)
        {
            return call with { HttpStatus = http };
        }
    }

    private static int? StatusOf(HttpHeaders headers) =>
        headers.TryGetValues("grpc-status", out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;

    public void Dispose()
    {
        _h2.Dispose();
        _h1.Dispose();
    }
}
