using System.Net;
using MediaMesh.Client;
using MediaMesh.Gateway.Tests;

namespace MediaMesh.Client.Tests;

/// <summary>The whole suite on loopback sockets, reached by the SDK and the CLI only through the gateway.</summary>
public sealed class ClientMesh : Mesh
{
    public Uri GatewayAddress => new($"http://127.0.0.1:{Gateway.GrpcPort}");

    public MediaMeshClient Client(string apiKey, HttpMessageHandler? handler = null) =>
        MediaMeshClient.Create(new MediaMeshClientOptions { GatewayAddress = GatewayAddress, ApiKey = apiKey, HttpHandler = handler });

    public MediaMeshClient Coordinator_() => Client(Coordinator.ApiKey);

    private int _members;

    /// <summary>A fresh active member with a key (unique name per call).</summary>
    public Task<Member> NewMemberAsync(string country = "KE") =>
        CreateMemberAsync($"Client test member {Interlocked.Increment(ref _members)} {Guid.NewGuid():N}"[..40], country);
}

[CollectionDefinition(nameof(ClientMeshCollection))]
public sealed class ClientMeshCollection : ICollectionFixture<ClientMesh>;

/// <summary>
/// Cuts one call's HTTP/2 stream after a number of bytes, once: the request body for uploads, the
/// response body for downloads and feeds. This is the broken connection the helpers must survive.
/// </summary>
public sealed class CuttingHandler(string methodSuffix, long cutAfterBytes, bool cutResponse, int cuts = 1) : DelegatingHandler(new SocketsHttpHandler())
{
    /// <summary>Awaited before a request is cut (e.g. until the server has stored what it received).</summary>
    public Func<Task>? BeforeCut { get; init; }

    private readonly int _cuts = cuts;
    private int _remainingCuts = cuts;
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public int Cuts => _cuts - Math.Max(0, Volatile.Read(ref _remainingCuts));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var matches = request.RequestUri!.AbsolutePath.EndsWith(methodSuffix, StringComparison.Ordinal);
        if (matches)
        {
            Interlocked.Increment(ref _calls);
        }

        var cut = matches && Interlocked.Decrement(ref _remainingCuts) >= 0;
        if (cut && !cutResponse && request.Content is { } content)
        {
            var replaced = new CutContent(content, cutAfterBytes, BeforeCut);
            foreach (var header in content.Headers)
            {
                replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Content = replaced;
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (cut && cutResponse)
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var replaced = new StreamContent(new CutStream(body, cutAfterBytes));
            foreach (var header in response.Content.Headers)
            {
                replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = replaced;
        }

        return response;
    }

    private sealed class CutContent(HttpContent inner, long limit, Func<Task>? beforeCut) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await inner.CopyToAsync(new CutStream(stream, limit, writing: true, beforeCut));

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>Passes bytes through until the limit, then fails as a broken connection does.</summary>
public sealed class CutStream(Stream inner, long limit, bool writing = false, Func<Task>? beforeCut = null) : Stream
{
    private long _passed;

    public override bool CanRead => !writing;

    public override bool CanSeek => false;

    public override bool CanWrite => writing;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _passed; set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_passed >= limit)
        {
            throw new IOException("connection cut by the test");
        }

        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, limit - _passed)], cancellationToken);
        _passed += read;
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var allowed = (int)Math.Min(buffer.Length, limit - _passed);
        if (allowed > 0)
        {
            await inner.WriteAsync(buffer[..allowed], cancellationToken);
            await inner.FlushAsync(cancellationToken);
            _passed += allowed;
        }

        if (allowed < buffer.Length)
        {
            if (beforeCut is not null)
            {
                await beforeCut();
            }

            throw new IOException("connection cut by the test");
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
