using System.Buffers;

namespace MediaMesh.Gateway.Errors;

/// <summary>
/// An HTTP/1.1 request body as the proxy reads it, which <see cref="LingeringRequestDrain"/> can take over once
/// the answer is out. Each read from the connection runs in a buffer of its own and is never cancelled by the
/// reader's token (the reader's wait is): YARP cancels or abandons its read when the backend answered early, and
/// a read cancelled inside Kestrel's HTTP/1.1 body leaves nothing that can read on. Here the connection's read
/// just goes on, and <see cref="DrainAsync"/> continues from it to the end of the body.
/// </summary>
public sealed class DrainableRequestBodyStream(Stream inner) : Stream
{
    private const int BufferSize = 64 * 1024;

    private readonly Lock _gate = new();
    private byte[]? _buffer;
    private int _offset;
    private int _count;
    private bool _ended;
    private Task<int>? _fill;

    /// <summary>Bumped when the drain takes over: a read that was waiting before then gets nothing.</summary>
    private int _generation;

    public Stream Inner => inner;

    /// <summary>Whether the body has been read to its end (by the proxy, or by a drain).</summary>
    public bool Ended
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        int generation;
        Task<int> fill;
        lock (_gate)
        {
            if (_count > 0 || _ended)
            {
                return TakeBuffered(buffer.Span);
            }

            generation = _generation;
            fill = _fill ??= FillAsync();
        }

        var read = await fill.WaitAsync(cancellationToken);
        lock (_gate)
        {
            if (generation != _generation)
            {
                return 0;
            }

            Filled(fill, read);
            return TakeBuffered(buffer.Span);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Reads and discards the rest of the body, continuing from a read the proxy left behind; a read that was
    /// still waiting for data gets none.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _generation++;
            _count = 0;
        }

        while (true)
        {
            Task<int> fill;
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                fill = _fill ??= FillAsync();
            }

            var read = await fill.WaitAsync(cancellationToken);
            lock (_gate)
            {
                Filled(fill, read);
                _count = 0;
            }
        }
    }

    /// <summary>Gives the buffer back once no read of the connection can still write into it.</summary>
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            if (_buffer is not null && _fill is null or { IsCompleted: true })
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
                _count = 0;
            }
        }

        base.Dispose(disposing);
    }

    private Task<int> FillAsync()
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(BufferSize);
        return inner.ReadAsync(_buffer, 0, _buffer.Length, CancellationToken.None);
    }

    /// <summary>Moves a completed read into the buffered bytes, once (two readers may both have waited for it).</summary>
    private void Filled(Task<int> fill, int read)
    {
        if (!ReferenceEquals(_fill, fill))
        {
            return;
        }

        _fill = null;
        _offset = 0;
        _count = read;
        _ended = read == 0;
    }

    private int TakeBuffered(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _count);
        _buffer.AsSpan(_offset, n).CopyTo(destination);
        _offset += n;
        _count -= n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
