using MediaMesh.Common.Errors;

namespace MediaMesh.MediaStore.Tests;

public sealed class FileSystemMediaStoreTests : IDisposable
{
    private const string Key = "renditions/r1";
    private readonly TempMediaRoot root = new();
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    private FileSystemMediaStore Store => root.Store;

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task A_missing_object_holds_zero_bytes()
    {
        Assert.Equal(0, await Store.GetHeldBytesAsync(Key, ct));
    }

    [Fact]
    public async Task Appends_at_the_held_offset_grow_the_object_and_read_back_exactly()
    {
        var data = TestData.Bytes(10_000);

        Assert.Equal(4_000, await Store.AppendAsync(Key, 0, data.AsMemory(0, 4_000), ct));
        Assert.Equal(10_000, await Store.AppendAsync(Key, 4_000, data.AsMemory(4_000), ct));

        Assert.Equal(10_000, await Store.GetHeldBytesAsync(Key, ct));
        Assert.Equal(data, await TestData.ReadAllAsync(Store, Key));
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(root.Path, "renditions", "r1.media"), ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Append_at_any_other_offset_is_refused_with_the_held_offset_and_writes_nothing(long offset)
    {
        await Store.AppendAsync(Key, 0, new byte[] { 1, 2, 3 }, ct);

        var refused = await Assert.ThrowsAsync<PreconditionFailedException>(() => Store.AppendAsync(Key, offset, new byte[] { 9, 9 }, ct));

        Assert.Equal(MediaStoreErrors.UploadOffsetViolation, refused.ViolationType);
        Assert.Equal(Key, refused.Subject);
        Assert.Contains("holds 3 bytes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("resume from offset 3", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(root.Path, refused.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 1, 2, 3 }, await TestData.ReadAllAsync(Store, Key));
    }

    [Fact]
    public async Task Append_past_zero_to_a_missing_object_is_refused_without_creating_it()
    {
        var refused = await Assert.ThrowsAsync<PreconditionFailedException>(() => Store.AppendAsync(Key, 5, new byte[] { 1 }, ct));

        Assert.Contains("resume from offset 0", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root.Path, "renditions")));
    }

    [Fact]
    public async Task Concurrent_appends_at_the_same_offset_let_exactly_one_through()
    {
        var first = TestData.Bytes(256 * 1024, seed: 1);
        var second = TestData.Bytes(256 * 1024, seed: 2);

        var attempts = new[] { first, second }.Select(data => Task.Run(async () =>
        {
            try
            {
                await Store.AppendAsync(Key, 0, data, ct);
                return data;
            }
            catch (PreconditionFailedException)
            {
                return null;
            }
        }, ct)).ToArray();
        var outcomes = await Task.WhenAll(attempts);

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, await TestData.ReadAllAsync(Store, Key));
    }

    [Fact]
    public async Task Reading_from_an_offset_gives_the_tail_and_at_the_end_gives_nothing()
    {
        var data = TestData.Bytes(5_000);
        await Store.AppendAsync(Key, 0, data, ct);

        Assert.Equal(data[1234..], await TestData.ReadAllAsync(Store, Key, 1234));
        Assert.Empty(await TestData.ReadAllAsync(Store, Key, 5_000));
        await using var stream = await Store.OpenReadAsync(Key, 0, ct);
        Assert.True(stream.CanSeek);
    }

    [Fact]
    public async Task Reading_past_the_end_or_a_missing_object_is_refused()
    {
        await Store.AppendAsync(Key, 0, new byte[] { 1, 2, 3 }, ct);

        var past = await Assert.ThrowsAsync<ValidationFailedException>(() => Store.OpenReadAsync(Key, 4, ct));
        Assert.Equal("offset", Assert.Single(past.Violations).Field);
        var negative = await Assert.ThrowsAsync<ValidationFailedException>(() => Store.OpenReadAsync(Key, -1, ct));
        Assert.Equal("offset", Assert.Single(negative.Violations).Field);
        var missing = await Assert.ThrowsAsync<ResourceNotFoundException>(() => Store.OpenReadAsync("renditions/none", 0, ct));
        Assert.Equal("renditions/none", missing.ResourceId);
    }

    [Fact]
    public async Task Verification_matches_size_and_sha256()
    {
        var data = TestData.Bytes(3 * MediaStoreOptions.MiB + 17);
        await Store.AppendAsync(Key, 0, data, ct);

        var verification = await Store.VerifyAsync(Key, data.Length, TestData.Sha256Hex(data).ToUpperInvariant(), ct);

        Assert.True(verification.IsIntact);
        Assert.Equal(data.Length, verification.ActualSize);
        Assert.Equal(TestData.Sha256Hex(data), verification.ActualSha256Hex);
    }

    [Fact]
    public async Task Verification_reports_a_checksum_mismatch()
    {
        var data = TestData.Bytes(100_000);
        await Store.AppendAsync(Key, 0, data, ct);
        var declared = TestData.Sha256Hex(TestData.Bytes(100_000, seed: 99));

        var verification = await Store.VerifyAsync(Key, data.Length, declared, ct);

        Assert.True(verification.SizeMatches);
        Assert.False(verification.ChecksumMatches);
        Assert.False(verification.IsIntact);
        Assert.Equal(TestData.Sha256Hex(data), verification.ActualSha256Hex);
    }

    [Fact]
    public async Task Verification_reports_a_size_mismatch_and_a_missing_object()
    {
        var data = TestData.Bytes(1_000);
        await Store.AppendAsync(Key, 0, data, ct);

        var shorter = await Store.VerifyAsync(Key, 2_000, TestData.Sha256Hex(data), ct);
        var missing = await Store.VerifyAsync("renditions/none", 2_000, TestData.Sha256Hex(data), ct);

        Assert.False(shorter.IsIntact);
        Assert.Equal(1_000, shorter.ActualSize);
        Assert.Null(shorter.ActualSha256Hex);
        Assert.False(missing.IsIntact);
        Assert.Equal(0, missing.ActualSize);
    }

    [Fact]
    public async Task Delete_removes_the_bytes_so_an_upload_starts_again_from_zero_and_is_idempotent()
    {
        await Store.AppendAsync(Key, 0, TestData.Bytes(1_000), ct);

        await Store.DeleteAsync(Key, ct);
        await Store.DeleteAsync(Key, ct);

        Assert.Equal(0, await Store.GetHeldBytesAsync(Key, ct));
        Assert.Equal(3, await Store.AppendAsync(Key, 0, new byte[] { 7, 8, 9 }, ct));
        Assert.Equal(new byte[] { 7, 8, 9 }, await TestData.ReadAllAsync(Store, Key));
    }

    [Fact]
    public async Task A_cancelled_append_writes_nothing()
    {
        await Store.AppendAsync(Key, 0, new byte[] { 1 }, ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendAsync(Key, 1, new byte[] { 2 }, cancelled.Token));

        Assert.Equal(1, await Store.GetHeldBytesAsync(Key, ct));
    }
}
