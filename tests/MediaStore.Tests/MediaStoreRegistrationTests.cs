using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore.Tests;

public sealed class MediaStoreRegistrationTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "mediamesh-media-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddMediaStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), dataDirectory)
            .BuildServiceProvider();

    [Fact]
    public async Task Defaults_put_media_under_the_data_directory_with_the_documented_limits()
    {
        using var services = Build([]);

        var options = services.GetRequiredService<IOptions<MediaStoreOptions>>().Value;
        var store = Assert.IsType<FileSystemMediaStore>(services.GetRequiredService<IMediaStore>());
        await store.AppendAsync("renditions/r1", 0, new byte[] { 1, 2 }, TestContext.Current.CancellationToken);

        Assert.Equal(Path.GetFullPath(Path.Combine(dataDirectory, "media")), options.RootDirectory);
        Assert.True(File.Exists(Path.Combine(dataDirectory, "media", "renditions", "r1.media")));
        Assert.Equal(50 * MediaStoreOptions.GiB, options.MaxRenditionBytes);
        Assert.Equal(MediaStoreOptions.MiB, services.GetRequiredService<ChunkedUpload>().MaxChunkBytes);
        Assert.Equal(256 * 1024, services.GetRequiredService<ChunkedDownload>().ResolveChunkSize(0));
    }

    [Fact]
    public void Configuration_overrides_root_and_limits()
    {
        var root = Path.Combine(dataDirectory, "elsewhere");
        using var services = Build(new()
        {
            ["MediaMesh:Media:RootDirectory"] = root,
            ["MediaMesh:Media:MaxRenditionBytes"] = "1000",
            ["MediaMesh:Media:MaxUploadChunkBytes"] = "4096",
            ["MediaMesh:Media:DefaultDownloadChunkBytes"] = "1024",
        });

        var store = Assert.IsType<FileSystemMediaStore>(services.GetRequiredService<IMediaStore>());

        Assert.Equal(Path.GetFullPath(root), store.RootDirectory);
        Assert.Equal(1000, services.GetRequiredService<ChunkedUpload>().MaxRenditionBytes);
        Assert.Equal(4096, services.GetRequiredService<ChunkedUpload>().MaxChunkBytes);
        Assert.Equal(1024, services.GetRequiredService<ChunkedDownload>().ResolveChunkSize(0));
    }

    [Fact]
    public void Invalid_limits_fail_with_the_setting_named()
    {
        using var services = Build(new() { ["MediaMesh:Media:DefaultDownloadChunkBytes"] = "4194304" });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MediaStoreOptions>>().Value);

        Assert.Contains("DefaultDownloadChunkBytes", failure.Message, StringComparison.Ordinal);
    }
}
