using MediaMesh.Common.Errors;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore.Tests;

public sealed class ChunkedUploadTests : IDisposable
{
    private const string Key = "renditions/r1";
    private const int Chunk = 64 * 1024;
    private readonly TempMediaRoot root = new();
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;
    private readonly byte[] data = TestData.Bytes(10 * Chunk + 123);

    private string Sha => TestData.Sha256Hex(data);

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task A_whole_upload_in_one_stream_completes_and_verifies()
    {
        var result = await root.Upload.WriteAsync(Key, data.Length, Sha, 0, TestData.Chunks(data, Chunk), ct);

        Assert.Equal(UploadOutcome.Complete, result.Outcome);
        Assert.Equal(data.Length, result.HeldBytes);
        Assert.True(result.Verification!.IsIntact);
        Assert.Equal(data, await TestData.ReadAllAsync(root.Store, Key));
    }

    [Fact]
    public async Task A_stream_that_ends_early_is_incomplete_and_keeps_its_bytes()
    {
        var result = await root.Upload.WriteAsync(Key, data.Length, Sha, 0, TestData.Chunks(data.AsMemory(0, 3 * Chunk), Chunk), ct);

        Assert.Equal(UploadOutcome.Incomplete, result.Outcome);
        Assert.Equal(3 * Chunk, result.HeldBytes);
        Assert.Null(result.Verification);
        Assert.Equal(3 * Chunk, await root.Store.GetHeldBytesAsync(Key, ct));
    }

    [Fact]
    public async Task A_broken_stream_keeps_every_acknowledged_chunk_and_the_upload_resumes_from_the_held_bytes()
    {
        var broken = new IOException("connection reset");

        var thrown = await Assert.ThrowsAsync<IOException>(() =>
            root.Upload.WriteAsync(Key, data.Length, Sha, 0, TestData.Chunks(data, Chunk, failAfterChunks: 4, failure: broken), ct));
        Assert.Same(broken, thrown);

        var held = await root.Store.GetHeldBytesAsync(Key, ct);
        Assert.Equal(4 * Chunk, held);
        var resumed = await root.Upload.WriteAsync(Key, data.Length, Sha, held, TestData.Chunks(data.AsMemory((int)held), Chunk), ct);

        Assert.Equal(UploadOutcome.Complete, resumed.Outcome);
        Assert.Equal(data, await TestData.ReadAllAsync(root.Store, Key));
    }

    [Fact]
    public async Task Cancellation_mid_stream_stops_the_upload_and_keeps_acknowledged_bytes()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            root.Upload.WriteAsync(Key, data.Length, Sha, 0, CancelAfter(cts, 2), cts.Token));

        Assert.Equal(2 * Chunk, await root.Store.GetHeldBytesAsync(Key, ct));
        Assert.Equal(data[..(2 * Chunk)], await TestData.ReadAllAsync(root.Store, Key));

        async IAsyncEnumerable<ReadOnlyMemory<byte>> CancelAfter(CancellationTokenSource source, int chunks)
        {
            // Ignores its token on purpose, as a source that never looks at it would: the upload must still stop.
            await foreach (var chunk in TestData.Chunks(data, Chunk))
            {
                if (chunks-- == 0)
                {
                    await source.CancelAsync();
                }

                yield return chunk;
            }
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(100L)]
    public async Task An_offset_other_than_the_held_bytes_is_refused_with_the_offset_to_resume_from(long offset)
    {
        await root.Store.AppendAsync(Key, 0, data.AsMemory(0, 50), ct);

        var refused = await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            root.Upload.WriteAsync(Key, data.Length, Sha, offset, TestData.Chunks(data.AsMemory((int)offset), Chunk), ct));

        Assert.Equal(MediaStoreErrors.UploadOffsetViolation, refused.ViolationType);
        Assert.Contains("resume from offset 50", refused.Message, StringComparison.Ordinal);
        Assert.Equal(50, await root.Store.GetHeldBytesAsync(Key, ct));
    }

    [Fact]
    public async Task A_negative_offset_is_invalid()
    {
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            root.Upload.WriteAsync(Key, data.Length, Sha, -1, TestData.Chunks(data, Chunk), ct));

        Assert.Equal("target.offset", Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public async Task A_chunk_above_the_maximum_is_invalid_and_the_chunks_before_it_stay()
    {
        var upload = new ChunkedUpload(root.Store, Options.Create(new MediaStoreOptions { RootDirectory = root.Path, MaxUploadChunkBytes = Chunk }));

        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            upload.WriteAsync(Key, data.Length, Sha, 0, Sizes(Chunk, Chunk, Chunk + 1), ct));

        Assert.Equal("data", Assert.Single(refused.Violations).Field);
        Assert.Contains($"at most {Chunk} bytes", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2 * Chunk, await root.Store.GetHeldBytesAsync(Key, ct));

        async IAsyncEnumerable<ReadOnlyMemory<byte>> Sizes(params int[] sizes)
        {
            var position = 0;
            foreach (var size in sizes)
            {
                await Task.Yield();
                yield return data.AsMemory(position, size);
                position += size;
            }
        }
    }

    [Fact]
    public async Task The_default_chunk_limit_is_one_mebibyte()
    {
        var big = TestData.Bytes(MediaStoreOptions.MiB + 1);

        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            root.Upload.WriteAsync(Key, big.Length, TestData.Sha256Hex(big), 0, TestData.Chunks(big, big.Length), ct));

        Assert.Equal("data", Assert.Single(refused.Violations).Field);
        Assert.Equal(0, await root.Store.GetHeldBytesAsync(Key, ct));
        Assert.Equal(MediaStoreOptions.MiB, root.Upload.MaxChunkBytes);
    }

    [Fact]
    public async Task Bytes_past_the_declared_size_are_invalid_and_none_of_that_chunk_is_written()
    {
        var declared = 3 * Chunk - 10;

        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            root.Upload.WriteAsync(Key, declared, Sha, 0, TestData.Chunks(data.AsMemory(0, 3 * Chunk), Chunk), ct));

        Assert.Equal("data", Assert.Single(refused.Violations).Field);
        Assert.Contains("past the declared size_bytes", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2 * Chunk, await root.Store.GetHeldBytesAsync(Key, ct));
    }

    [Fact]
    public async Task A_complete_upload_with_the_wrong_checksum_reports_a_mismatch_and_keeps_the_bytes_for_the_caller_to_handle()
    {
        var wrongSha = TestData.Sha256Hex(TestData.Bytes(16));

        var result = await root.Upload.WriteAsync(Key, data.Length, wrongSha, 0, TestData.Chunks(data, Chunk), ct);

        Assert.Equal(UploadOutcome.ChecksumMismatch, result.Outcome);
        Assert.Equal(data.Length, result.HeldBytes);
        Assert.Equal(Sha, result.Verification!.ActualSha256Hex);
        Assert.False(result.Verification.ChecksumMatches);
        Assert.Equal(data.Length, await root.Store.GetHeldBytesAsync(Key, ct));
    }

    [Fact]
    public async Task An_empty_stream_when_all_bytes_are_held_verifies_again()
    {
        await root.Store.AppendAsync(Key, 0, data, ct);

        var result = await root.Upload.WriteAsync(Key, data.Length, Sha, data.Length, TestData.Chunks(ReadOnlyMemory<byte>.Empty, Chunk), ct);

        Assert.Equal(UploadOutcome.Complete, result.Outcome);
    }

    [Fact]
    public async Task Declarations_over_the_limit_or_with_a_malformed_checksum_are_invalid()
    {
        var upload = new ChunkedUpload(root.Store, Options.Create(new MediaStoreOptions { RootDirectory = root.Path, MaxRenditionBytes = 1_000 }));

        var tooLarge = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            upload.WriteAsync(Key, 1_001, Sha, 0, TestData.Chunks(data, Chunk), ct));
        Assert.Equal("size_bytes", Assert.Single(tooLarge.Violations).Field);
        Assert.Contains("at most 1000 bytes", tooLarge.Message, StringComparison.Ordinal);

        var both = Assert.Throws<ValidationFailedException>(() =>
            upload.ValidateDeclaration(0, "not-a-sha", "rendition.size_bytes", "rendition.sha256"));
        Assert.Equal(["rendition.size_bytes", "rendition.sha256"], both.Violations.Select(v => v.Field));

        upload.ValidateDeclaration(1_000, Sha);
        Assert.Equal(50 * MediaStoreOptions.GiB, root.Upload.MaxRenditionBytes);
        Assert.False(Directory.Exists(Path.Combine(root.Path, "renditions")));
    }
}
