using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using MediaMesh.Common.Errors;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore;

/// <summary>
/// The embedded media store: object "a/b" is the file <c>&lt;root&gt;/a/b.media</c> (the suffix lets
/// "a/b" and "a/b/c" coexist). Appends to one object are serialised inside this process; bytes count
/// as held once committed (fsync of the data, then of a small "&lt;file&gt;.held" marker with the
/// committed length). Reads share the file with writers. One process owns a root folder.
/// </summary>
public sealed class FileSystemMediaStore : IMediaStore
{
    private const string FileSuffix = ".media";
    private const int VerifyBufferBytes = MediaStoreOptions.MiB;
    private const int LockStripes = 64;
    private const string HeldMarkerSuffix = ".held";

    private readonly string root;
    private readonly ConcurrentDictionary<string, long> openAppenders = new(StringComparer.Ordinal);
    private long appenderGenerations;
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
        return Task.FromResult(HeldBytes(PathFor(objectKey)));
    }

    public async Task<long> AppendAsync(string objectKey, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var gate = LockFor(objectKey);
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var appender = await OpenAppenderAsync(objectKey, offset, cancellationToken);
            if (!data.IsEmpty)
            {
                await appender.WriteAsync(data, cancellationToken);
                await appender.CommitAsync(cancellationToken);
            }

            return appender.Committed;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<IMediaAppender> OpenAppenderAsync(string objectKey, long offset, CancellationToken cancellationToken)
    {
        var path = PathFor(objectKey);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        cancellationToken.ThrowIfCancellationRequested();
        // The newest appender owns the object: one left open by a stalled upload (whose lease another upload
        // took over) writes and commits nothing more.
        var generation = Interlocked.Increment(ref appenderGenerations);
        openAppenders[path] = generation;
        FileStream? data = null;
        FileStream? marker = null;
        try
        {
            var held = HeldBytes(path);
            if (offset != held)
            {
                throw MediaStoreErrors.OffsetMismatch(objectKey, offset, held);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // BufferSize 0: the caller's chunk goes straight to the OS, no copy into a FileStream buffer.
            data = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.Write,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });
            if (data.Length != held)
            {
                // Bytes written after the last commit (the process died before it): not held, so the client sends them again.
                data.SetLength(held);
            }

            data.Position = held;
            marker = OpenMarker(path, held);
            return Task.FromResult<IMediaAppender>(new Appender(this, objectKey, path, data, marker, held, generation));
        }
        catch (Exception ex) when (NoSpaceLeft.Is(ex))
        {
            data?.Dispose();
            marker?.Dispose();
            openAppenders.TryRemove(KeyValuePair.Create(path, generation));
            throw MediaStoreErrors.StorageFull(ex);
        }
        catch
        {
            data?.Dispose();
            marker?.Dispose();
            openAppenders.TryRemove(KeyValuePair.Create(path, generation));
            throw;
        }
    }

    /// <summary>
    /// Opens the object's marker, writing it first if the object has none yet, so that every later commit
    /// rewrites its 8 bytes in place: a commit on a full volume then never needs a new block, and a marker
    /// left empty by a failed first write (which would claim 0 bytes held) cannot happen.
    /// </summary>
    private static FileStream OpenMarker(string path, long held)
    {
        var markerPath = MarkerPath(path);
        var isNew = !File.Exists(markerPath);
        var marker = new FileStream(markerPath, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = 0,
        });
        if (!isNew && marker.Length == sizeof(long))
        {
            return marker;
        }

        try
        {
            Span<byte> bytes = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, held);
            marker.Write(bytes);
            marker.Flush(flushToDisk: true);
            return marker;
        }
        catch
        {
            marker.Dispose();
            if (isNew)
            {
                File.Delete(markerPath);
            }

            throw;
        }
    }

    /// <summary>
    /// The committed length: the marker file next to the object records how many bytes were fsynced
    /// (written after the fsync of the data), so bytes still in the page cache at a crash never count.
    /// An object without a marker (written before markers existed, every append fsynced) holds its length.
    /// </summary>
    private static long HeldBytes(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return 0;
        }

        var marker = MarkerPath(path);
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        try
        {
            using var stream = new FileStream(marker, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) == bytes.Length)
            {
                return Math.Min(BinaryPrimitives.ReadInt64LittleEndian(bytes), file.Length);
            }

            return 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return file.Length;
        }
    }

    private static string MarkerPath(string path) => path + HeldMarkerSuffix;

    /// <summary>
    /// One run of appends: the data file stays open, each commit fsyncs it and then the marker. Once a
    /// newer appender of the same object is opened this one is superseded: writes are refused, commits do nothing.
    /// </summary>
    private sealed class Appender(FileSystemMediaStore store, string objectKey, string path, FileStream data, FileStream marker, long held, long generation)
        : IMediaAppender
    {
        private readonly byte[] markerBytes = new byte[sizeof(long)];

        public long Position { get; private set; } = held;

        public long Committed { get; private set; } = held;

        private bool Superseded => !store.openAppenders.TryGetValue(path, out var current) || current != generation;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            if (Superseded)
            {
                throw MediaStoreErrors.AppendInProgress(objectKey);
            }

            try
            {
                await data.WriteAsync(bytes, cancellationToken);
            }
            catch (IOException ex) when (NoSpaceLeft.Is(ex))
            {
                // Part of the chunk may be in the file: it is not counted, so it goes at once. The file then holds
                // exactly the bytes written, and a full volume gets back the blocks the cut chunk took.
                CutBackToPosition();
                throw MediaStoreErrors.StorageFull(ex);
            }

            Position += bytes.Length;
        }

        private void CutBackToPosition()
        {
            try
            {
                data.SetLength(Position);
                data.Position = Position;
            }
            catch (IOException)
            {
                // Left in the file uncounted: the next appender cuts it off.
            }
        }

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Position == Committed || Superseded)
            {
                return Task.CompletedTask;
            }

            try
            {
                // Data first, then the length that claims it: a crash between the two only under-reports.
                data.Flush(flushToDisk: true);
                BinaryPrimitives.WriteInt64LittleEndian(markerBytes, Position);
                marker.Position = 0;
                marker.Write(markerBytes);
                marker.Flush(flushToDisk: true);
            }
            catch (IOException ex) when (NoSpaceLeft.Is(ex))
            {
                // A file system that allocates at write-back (fsync) can still say so: the bytes since the last commit do not count.
                throw MediaStoreErrors.StorageFull(ex);
            }

            Committed = Position;
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await data.DisposeAsync();
                await marker.DisposeAsync();
            }
            finally
            {
                store.openAppenders.TryRemove(KeyValuePair.Create(path, generation));
            }
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
            File.Delete(MarkerPath(path));
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
