using MediaMesh.Common.Errors;

namespace MediaMesh.MediaStore.Tests;

public sealed class ChunkedDownloadTests : IDisposable
{
    private const string Key = "renditions/r1";
    private readonly TempMediaRoot root = new();
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;
    private readonly byte[] data = TestData.Bytes(MediaStoreOptions.MiB + 54_321);

    public void Dispose() => root.Dispose();

    private async Task<List<(long Offset, byte[] Data)>> DownloadAsync(long offset, int chunkSize)
    {
        var chunks = new List<(long, byte[])>();
        await foreach (var (chunkOffset, bytes) in root.Download.ReadAsync(Key, offset, chunkSize, ct))
        {
            chunks.Add((chunkOffset, bytes.ToArray()));
        }

        return chunks;
    }

    [Theory]
    [InlineData(0L, 100_000)]
    [InlineData(777_777L, 100_000)]
    [InlineData(1L, MediaStoreOptions.MiB)]
    public async Task Download_from_an_offset_yields_the_tail_in_contiguous_full_chunks(long offset, int chunkSize)
    {
        await root.Store.AppendAsync(Key, 0, data, ct);

        var chunks = await DownloadAsync(offset, chunkSize);

        Assert.Equal(data[(int)offset..], chunks.SelectMany(c => c.Data).ToArray());
        var expectedOffset = offset;
        foreach (var (chunkOffset, bytes) in chunks)
        {
            Assert.Equal(expectedOffset, chunkOffset);
            expectedOffset += bytes.Length;
        }

        Assert.All(chunks.SkipLast(1), c => Assert.Equal(chunkSize, c.Data.Length));
    }

    [Fact]
    public async Task Chunk_size_zero_means_256_KiB()
    {
        await root.Store.AppendAsync(Key, 0, data, ct);

        var chunks = await DownloadAsync(0, 0);

        Assert.Equal(256 * 1024, chunks[0].Data.Length);
        Assert.Equal(data, chunks.SelectMany(c => c.Data).ToArray());
    }

    [Fact]
    public async Task Download_at_the_end_yields_nothing()
    {
        await root.Store.AppendAsync(Key, 0, data, ct);

        Assert.Empty(await DownloadAsync(data.Length, 0));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(MediaStoreOptions.MiB + 1)]
    public void A_chunk_size_out_of_range_is_invalid_at_call_time(int chunkSize)
    {
        var refused = Assert.Throws<ValidationFailedException>(() => root.Download.ReadAsync(Key, 0, chunkSize, ct));

        Assert.Equal("chunk_size", Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public async Task Offsets_out_of_range_are_invalid_and_a_missing_object_is_not_found()
    {
        await root.Store.AppendAsync(Key, 0, data, ct);

        var negative = Assert.Throws<ValidationFailedException>(() => root.Download.ReadAsync(Key, -1, 0, ct));
        Assert.Equal("offset", Assert.Single(negative.Violations).Field);
        var past = await Assert.ThrowsAsync<ValidationFailedException>(() => DownloadAsync(data.Length + 1, 0));
        Assert.Equal("offset", Assert.Single(past.Violations).Field);
        await Assert.ThrowsAsync<ResourceNotFoundException>(async () =>
        {
            await foreach (var _ in root.Download.ReadAsync("renditions/none", 0, 0, ct))
            {
            }
        });
    }

    [Fact]
    public async Task Cancellation_stops_the_download_at_the_next_chunk()
    {
        await root.Store.AppendAsync(Key, 0, data, ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var (_, bytes) in root.Download.ReadAsync(Key, 0, 64 * 1024, cts.Token))
            {
                received += bytes.Length;
                await cts.CancelAsync();
            }
        });

        Assert.Equal(64 * 1024, received);
    }
}
