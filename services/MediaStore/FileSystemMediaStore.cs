using System.Buffers;
using System.Security.Cryptography;
using MediaMesh.Common.Errors;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore;

/// <summary>
/// The embedded media store: object "a/b" is the file <c>&lt;root&gt;/a/b.media</c> (the suffix lets
/// "a/b" and "a/b/c" coexist). Appends to one object are serialised inside this process and each is
/// flushed to disk before it is acknowledged; reads share the file with writers. One process owns a
/// root folder.
/// </summary>
public sealed class FileSystemMediaStore : IMediaStore
{
    private const string FileSuffix = ".media";
    private const int VerifyBufferBytes = MediaStoreOptions.MiB;
    private const int LockStripes = 64;

    private readonly string root;
    private readonly SemaphoreSlim[] writeLocks = Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public FileSystemMediaStore(IOptions<MediaStoreOptions> options)
    {
        var configured = options.Value.RootDirectory;
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException($"{MediaStoreOptions.SectionName}:RootDirectory is not set.");
        }

        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(configured));
        Directory.CreateDirectory(root);
    }

    /// <summary>The absolute root folder.</summary>
    public string RootDirectory => root;

    public Task<long> GetHeldBytesAsync(string objectKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(PathFor(objectKey));
        return Task.FromResult(file.Exists ? file.Length : 0L);
    }

    public async Task<long> AppendAsync(string objectKey, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var path = PathFor(objectKey);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);

        var gate = LockFor(objectKey);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (offset != 0 && !File.Exists(path))
            {
                throw MediaStoreErrors.OffsetMismatch(objectKey, offset, 0);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // BufferSize 0: the caller's chunk goes straight to the OS, no copy into a FileStream buffer.
            await using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });
            var held = stream.Length;
            if (held != offset)
            {
                throw MediaStoreErrors.OffsetMismatch(objectKey, offset, held);
            }

            if (!data.IsEmpty)
            {
                await stream.WriteAsync(data, cancellationToken);
                // fsync: once acknowledged, the bytes survive a crash and a resumed upload can rely on them.
                stream.Flush(flushToDisk: true);
            }

            return held + data.Length;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<Stream> OpenReadAsync(string objectKey, long offset, CancellationToken cancellationToken)
    {
        var path = PathFor(objectKey);
        cancellationToken.ThrowIfCancellationRequested();
        if (offset < 0)
        {
            throw ValidationFailedException.For("offset", "must not be negative");
        }

        var stream = TryOpenRead(path, FileOptions.Asynchronous | FileOptions.SequentialScan)
            ?? throw new ResourceNotFoundException("media object", objectKey);
        try
        {
            var length = stream.Length;
            if (offset > length)
            {
                throw ValidationFailedException.For("offset", $"must not exceed the {length} bytes held");
            }

            stream.Position = offset;
            return Task.FromResult<Stream>(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public async Task<MediaVerification> VerifyAsync(string objectKey, long expectedSize, string expectedSha256Hex, CancellationToken cancellationToken)
    {
        var path = PathFor(objectKey);
        ArgumentNullException.ThrowIfNull(expectedSha256Hex);

        await using var stream = TryOpenRead(path, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (stream is null)
        {
            return new MediaVerification(expectedSize, expectedSha256Hex, 0, null);
        }

        if (stream.Length != expectedSize)
        {
            return new MediaVerification(expectedSize, expectedSha256Hex, stream.Length, null);
        }

        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(VerifyBufferBytes);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, VerifyBufferBytes), cancellationToken)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                total += read;
            }

            return new MediaVerification(expectedSize, expectedSha256Hex, total, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task DeleteAsync(string objectKey, CancellationToken cancellationToken)
    {
        var path = PathFor(objectKey);
        var gate = LockFor(objectKey);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The file behind a key; also re-checks that it resolves inside the root.</summary>
    internal string PathFor(string objectKey)
    {
        MediaObjectKey.EnsureValid(objectKey);
        var path = Path.GetFullPath(Path.Combine(root, objectKey.Replace('/', Path.DirectorySeparatorChar) + FileSuffix));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("The media object key resolves outside the store's root.", nameof(objectKey));
        }

        return path;
    }

    private SemaphoreSlim LockFor(string objectKey) =>
        writeLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(objectKey) % LockStripes)];

    private static FileStream? TryOpenRead(string path, FileOptions options)
    {
        try
        {
            // BufferSize 0: readers ask for large blocks already; an extra buffer would only copy.
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = options,
                BufferSize = 0,
            });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
