using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore.Tests;

/// <summary>A fresh store root under the temp folder, removed with everything in it on dispose.</summary>
public sealed class TempMediaRoot : IDisposable
{
    public TempMediaRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mediamesh-media-tests", Guid.NewGuid().ToString("N"));
        Options = Microsoft.Extensions.Options.Options.Create(new MediaStoreOptions { RootDirectory = Path });
        Store = new FileSystemMediaStore(Options);
        Upload = new ChunkedUpload(Store, Options);
        Download = new ChunkedDownload(Store, Options);
    }

    public string Path { get; }

    public IOptions<MediaStoreOptions> Options { get; }

    public FileSystemMediaStore Store { get; }

    public ChunkedUpload Upload { get; }

    public ChunkedDownload Download { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
