using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using MediaMesh.Common.Errors;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore;

/// <summary>
/// Reads an object from an offset in chunks through one pooled buffer, so memory stays flat whatever
/// the size. Field names in refusals are those of <c>mediamesh.exchange.v1.DownloadRenditionRequest</c>
/// ("offset", "chunk_size").
/// </summary>
public sealed class ChunkedDownload(IMediaStore store, IOptions<MediaStoreOptions> options)
{
    private readonly MediaStoreOptions settings = options.Value;

    /// <summary>
    /// The chunk size to use for a requested one: 0 means the default (256 KiB); otherwise 1..max (1 MiB).
    /// </summary>
    /// <exception cref="ValidationFailedException">Negative or above the maximum ("chunk_size").</exception>
    public int ResolveChunkSize(int requestedChunkSize)
    {
        if (requestedChunkSize == 0)
        {
            return settings.DefaultDownloadChunkBytes;
        }

        if (requestedChunkSize < 0 || requestedChunkSize > settings.MaxDownloadChunkBytes)
        {
            throw ValidationFailedException.For("chunk_size", string.Create(CultureInfo.InvariantCulture,
                $"must be between 0 (default {settings.DefaultDownloadChunkBytes}) and {settings.MaxDownloadChunkBytes} bytes"));
        }

        return requestedChunkSize;
    }

    /// <summary>
    /// The object's bytes from <paramref name="offset"/> to its end, as (offset of the chunk, bytes).
    /// Every chunk but the last is exactly the chunk size. Arguments are checked at call time;
    /// a missing object (NOT_FOUND) or an offset past the end ("offset", INVALID_ARGUMENT) surface on
    /// the first <c>MoveNextAsync</c>.
    /// </summary>
    /// <remarks>
    /// <b>Data is only valid until the next item is requested</b>: it is a view of one reused buffer.
    /// Copy it or finish writing it (e.g. <c>await responseStream.WriteAsync(...)</c>) before moving on.
    /// </remarks>
    public IAsyncEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> ReadAsync(
        string objectKey, long offset, int chunkSize, CancellationToken cancellationToken)
    {
        MediaObjectKey.EnsureValid(objectKey);
        if (offset < 0)
        {
            throw ValidationFailedException.For("offset", "must not be negative");
        }

        return ReadChunksAsync(objectKey, offset, ResolveChunkSize(chunkSize), cancellationToken);
    }

    private async IAsyncEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> ReadChunksAsync(
        string objectKey, long offset, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(objectKey, offset, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            var position = offset;
            while (true)
            {
                var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    yield break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                yield return (position, buffer.AsMemory(0, read));
                position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
