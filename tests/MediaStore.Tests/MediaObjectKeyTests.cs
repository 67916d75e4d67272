namespace MediaMesh.MediaStore.Tests;

public sealed class MediaObjectKeyTests
{
    [Theory]
    [InlineData("renditions/01JXABCDEF")]
    [InlineData("a")]
    [InlineData("offers/o-1/renditions/r_2")]
    [InlineData("A-Z_a-z_0-9")]
    public void Accepts_segments_of_the_safe_alphabet(string key) => Assert.True(MediaObjectKey.IsValid(key));

    [Theory]
    [InlineData("")]
    [InlineData("/renditions/x")]
    [InlineData("renditions/x/")]
    [InlineData("renditions//x")]
    [InlineData("../etc/passwd")]
    [InlineData("renditions/../../x")]
    [InlineData("renditions/./x")]
    [InlineData("renditions\\x")]
    [InlineData("c:/x")]
    [InlineData("renditions/x.mp4")]
    [InlineData("renditions/ x")]
    [InlineData("rénditions/x")]
    [InlineData("renditions/x\0")]
    public void Refuses_anything_else(string key) => Assert.False(MediaObjectKey.IsValid(key));

    [Fact]
    public void Refuses_null_and_overlong_keys()
    {
        Assert.False(MediaObjectKey.IsValid(null));
        Assert.False(MediaObjectKey.IsValid(new string('a', MediaObjectKey.MaxSegmentLength + 1)));
        Assert.True(MediaObjectKey.IsValid(new string('a', MediaObjectKey.MaxSegmentLength)));
        var longKey = string.Join('/', Enumerable.Repeat(new string('a', 100), 6));
        Assert.False(MediaObjectKey.IsValid(longKey));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("a/../../outside")]
    [InlineData("/etc/passwd")]
    public async Task The_store_refuses_traversal_keys_before_touching_the_disk(string key)
    {
        using var root = new TempMediaRoot();
        var ct = TestContext.Current.CancellationToken;

        await Assert.ThrowsAsync<ArgumentException>(() => root.Store.AppendAsync(key, 0, new byte[] { 1 }, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => root.Store.GetHeldBytesAsync(key, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => root.Store.OpenReadAsync(key, 0, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => root.Store.VerifyAsync(key, 1, new string('0', 64), ct));
        await Assert.ThrowsAsync<ArgumentException>(() => root.Store.DeleteAsync(key, ct));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "mediamesh-media-tests", "outside.media")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root.Path));
    }

    [Fact]
    public void Objects_live_under_the_root_with_a_suffix_so_nested_keys_coexist()
    {
        using var root = new TempMediaRoot();

        var file = root.Store.PathFor("renditions/r1");
        var nested = root.Store.PathFor("renditions/r1/thumb");

        Assert.Equal(Path.Combine(root.Path, "renditions", "r1.media"), file);
        Assert.Equal(Path.Combine(root.Path, "renditions", "r1", "thumb.media"), nested);
    }
}
