using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore.Tests;

/// <summary>
/// The SHA-256 is computed as the bytes arrive: the check at the last byte reads nothing back; a resume
/// in the same process continues the kept hash; a resume after a restart reads the held prefix once.
/// Held bytes are only ever committed (fsynced) bytes. A real <see cref="FileSystemMediaStore"/> under a
/// wrapper that counts the bytes read from it.
/// </summary>
public sealed class HashAsBytesArriveTests : IDisposable
{
    private const string Key = "renditions/r1";
    private const int Chunk = 64 * 1024;
    private readonly TempMediaRoot root = new();
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;
    private readonly byte[] data = TestData.Bytes(40 * Chunk + 77);

    private string Sha => TestData.Sha256Hex(data);

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task A_whole_upload_verifies_without_reading_a_byte_back()
    {
        var (store, upload) = Service();

        var result = await upload.WriteAsync(Key, data.Length, Sha, 0, TestData.Chunks(data, Chunk), ct);

        Assert.Equal(UploadOutcome.Complete, result.Outcome);
        Assert.Equal(0, store.BytesRead);
        Assert.Equal(0, store.Verifications);
        Assert.Equal(data, await TestData.ReadAllAsync(root.Store, Key));
    }

    [Fact]
    public async Task A_resume_in_the_same_process_continues_the_kept_hash_and_reads_nothing()
    {
        var (store, upload) = Service();
        await Assert.ThrowsAsync<IOException>(() => upload.WriteAsync(Key, data.Length, Sha, 0, TestData.Chunks(data, Chunk, failAfterChunks: 13), ct));
        var held = await store.GetHeldBytesAsync(Key, ct);
        Assert.Equal(13 * Chunk, held);

        var resumed = await upload.WriteAsync(Key, data.Length, Sha, held, TestData.Chunks(data.AsMemory((int)held), Chunk), ct);

        Assert.Equal(UploadOutcome.Complete, resumed.Outcome);
        Assert.Equal(0, store.BytesRead);
    }

    [Fact]
    public async Task A_resume_after_the_hash_state_was_lost_hashes_the_held_prefix_once_and_verifies()
    {
        var (_, before) = Service();
        await Assert.ThrowsAsync<IOException>(() => before.WriteAsync(Key, data.Length, Sha, 0, TestData.Chunks(data, Chunk, failAfterChunks: 17), ct));

        // A restarted service: new store and upload objects over the same folder, no kept hash.
        var (store, upload) = Service();
        var held = await store.GetHeldBytesAsync(Key, ct);
        var resumed = await upload.WriteAsync(Key, data.Length, Sha, held, TestData.Chunks(data.AsMemory((int)held), Chunk), ct);

        Assert.Equal(UploadOutcome.Complete, resumed.Outcome);
        Assert.True(resumed.Verification!.IsIntact);
        Assert.Equal(held, store.BytesRead);
    }

    [Fact]
    public async Task A_wrong_checksum_is_refused_when_hashed_as_the_bytes_arrive_and_after_a_restart()
    {
        var wrong = TestData.Sha256Hex(TestData.Bytes(10, seed: 9));
        var (_, fresh) = Service();
        var mismatch = await fresh.WriteAsync(Key, data.Length, wrong, 0, TestData.Chunks(data, Chunk), ct);
        Assert.Equal(UploadOutcome.ChecksumMismatch, mismatch.Outcome);
        Assert.Equal(Sha, mismatch.Verification!.ActualSha256Hex);

        await root.Store.DeleteAsync(Key, ct);
        await Assert.ThrowsAsync<IOException>(() => fresh.WriteAsync(Key, data.Length, wrong, 0, TestData.Chunks(data, Chunk, failAfterChunks: 5), ct));
        var (store, restarted) = Service();
        var held = await store.GetHeldBytesAsync(Key, ct);
        var resumed = await restarted.WriteAsync(Key, data.Length, wrong, held, TestData.Chunks(data.AsMemory((int)held), Chunk), ct);
        Assert.Equal(UploadOutcome.ChecksumMismatch, resumed.Outcome);
    }

    [Fact]
    public async Task Bytes_written_but_not_committed_are_never_reported_as_held_and_are_sent_again()
    {
        await using (var appender = await root.Store.OpenAppenderAsync(Key, 0, ct))
        {
            await appender.WriteAsync(data.AsMemory(0, 3 * Chunk), ct);
            await appender.CommitAsync(ct);
            await appender.WriteAsync(data.AsMemory(3 * Chunk, 2 * Chunk), ct);
            Assert.Equal(3 * Chunk, await root.Store.GetHeldBytesAsync(Key, ct));

            // The process dies here: the written tail is in the file (the page cache) but was never fsynced.
        }

        var (store, upload) = Service();
        var path = Path.Combine(root.Path, "renditions", "r1.media");
        Assert.Equal(5 * Chunk, new FileInfo(path).Length);
        var held = await store.GetHeldBytesAsync(Key, ct);
        Assert.Equal(3 * Chunk, held);

        var resumed = await upload.WriteAsync(Key, data.Length, Sha, held, TestData.Chunks(data.AsMemory((int)held), Chunk), ct);
        Assert.Equal(UploadOutcome.Complete, resumed.Outcome);
        Assert.Equal(data, await TestData.ReadAllAsync(root.Store, Key));
    }

    [Fact]
    public async Task An_upload_commits_every_configured_amount_and_at_the_end_of_its_stream()
    {
        var options = Options.Create(new MediaStoreOptions { RootDirectory = root.Path, CommitEveryBytes = 8 * Chunk });
        var store = new CommitCountingStore(new FileSystemMediaStore(options));
        var upload = new ChunkedUpload(store, options);

        var result = await upload.WriteAsync(Key, data.Length, Sha, 0, TestData.Chunks(data.AsMemory(0, 20 * Chunk), Chunk), ct);

        Assert.Equal(20 * Chunk, result.HeldBytes);
        Assert.Equal([8L * Chunk, 16L * Chunk, 20L * Chunk], store.Commits);
    }

    private (CountingStore Store, ChunkedUpload Upload) Service()
    {
        var store = new CountingStore(new FileSystemMediaStore(root.Options));
        return (store, new ChunkedUpload(store, root.Options));
    }

    /// <summary>Counts the bytes read through <see cref="OpenReadAsync"/> and the calls to <see cref="VerifyAsync"/>.</summary>
    private sealed class CountingStore(IMediaStore inner) : IMediaStore
    {
        private long bytesRead;

        public long BytesRead => Interlocked.Read(ref bytesRead);

        public int Verifications { get; private set; }

        public Task<long> GetHeldBytesAsync(string objectKey, CancellationToken cancellationToken) => inner.GetHeldBytesAsync(objectKey, cancellationToken);

        public Task<long> AppendAsync(string objectKey, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            inner.AppendAsync(objectKey, offset, data, cancellationToken);

        public Task<IMediaAppender> OpenAppenderAsync(string objectKey, long offset, CancellationToken cancellationToken) =>
            inner.OpenAppenderAsync(objectKey, offset, cancellationToken);

        public async Task<Stream> OpenReadAsync(string objectKey, long offset, CancellationToken cancellationToken) =>
            new CountingStream(await inner.OpenReadAsync(objectKey, offset, cancellationToken), n => Interlocked.Add(ref bytesRead, n));

        public Task<MediaVerification> VerifyAsync(string objectKey, long expectedSize, string expectedSha256Hex, CancellationToken cancellationToken)
        {
            Verifications++;
            return inner.VerifyAsync(objectKey, expectedSize, expectedSha256Hex, cancellationToken);
        }

        public Task DeleteAsync(string objectKey, CancellationToken cancellationToken) => inner.DeleteAsync(objectKey, cancellationToken);
    }

    /// <summary>Records the committed length at every commit of the appenders it opens.</summary>
    private sealed class CommitCountingStore(IMediaStore inner) : IMediaStore
    {
        public List<long> Commits { get; } = [];

        public Task<long> GetHeldBytesAsync(string objectKey, CancellationToken cancellationToken) => inner.GetHeldBytesAsync(objectKey, cancellationToken);

        public Task<long> AppendAsync(string objectKey, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            inner.AppendAsync(objectKey, offset, data, cancellationToken);

        public async Task<IMediaAppender> OpenAppenderAsync(string objectKey, long offset, CancellationToken cancellationToken) =>
            new RecordingAppender(await inner.OpenAppenderAsync(objectKey, offset, cancellationToken), Commits);

        public Task<Stream> OpenReadAsync(string objectKey, long offset, CancellationToken cancellationToken) => inner.OpenReadAsync(objectKey, offset, cancellationToken);

        public Task<MediaVerification> VerifyAsync(string objectKey, long expectedSize, string expectedSha256Hex, CancellationToken cancellationToken) =>
            inner.VerifyAsync(objectKey, expectedSize, expectedSha256Hex, cancellationToken);

        public Task DeleteAsync(string objectKey, CancellationToken cancellationToken) => inner.DeleteAsync(objectKey, cancellationToken);

        private sealed class RecordingAppender(IMediaAppender inner, List<long> commits) : IMediaAppender
        {
            public long Position => inner.Position;

            public long Committed => inner.Committed;

            public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => inner.WriteAsync(data, cancellationToken);

            public async Task CommitAsync(CancellationToken cancellationToken)
            {
                var before = inner.Committed;
                await inner.CommitAsync(cancellationToken);
                if (inner.Committed != before)
                {
                    commits.Add(inner.Committed);
                }
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    private sealed class CountingStream(Stream inner, Action<int> counted) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            counted(read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            counted(read);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
