using System.Diagnostics;
using MediaMesh.Common.Errors;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore.Tests;

/// <summary>
/// A media root on a small tmpfs that fills up (ENOSPC): the upload is refused with
/// <see cref="StorageFullException"/>, the bytes committed before it stay held, and once space is freed
/// the upload resumes and verifies. Needs root to mount (CI runs as root); skipped otherwise.
/// </summary>
public sealed class FullVolumeTests : IDisposable
{
    private const string Key = "renditions/full";
    private const int Chunk = 64 * 1024;
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;
    private readonly string mountPoint = Path.Combine(Path.GetTempPath(), "mediamesh-full-volume-" + Guid.NewGuid().ToString("N"));
    private bool mounted;

    public void Dispose()
    {
        if (mounted)
        {
            Run("umount", mountPoint);
        }

        Directory.Delete(mountPoint, recursive: true);
    }

    [Fact]
    public async Task An_upload_that_fills_the_volume_is_refused_keeps_its_held_bytes_and_resumes_once_space_is_freed()
    {
        MountTmpfs("2m");
        var options = Options.Create(new MediaStoreOptions { RootDirectory = Path.Combine(mountPoint, "media"), CommitEveryBytes = 4 * Chunk });
        var store = new FileSystemMediaStore(options);
        var upload = new ChunkedUpload(store, options);
        var filler = Path.Combine(mountPoint, "filler");
        await File.WriteAllBytesAsync(filler, new byte[1024 * 1024], ct);
        var data = TestData.Bytes((24 * Chunk) + 77);
        var sha = TestData.Sha256Hex(data);

        var refused = await Assert.ThrowsAsync<StorageFullException>(() =>
            upload.WriteAsync(Key, data.Length, sha, 0, TestData.Chunks(data, Chunk), ct));

        Assert.DoesNotContain(mountPoint, refused.Message, StringComparison.Ordinal);
        Assert.True(NoSpaceLeft.Is(refused.Cause));
        var held = await store.GetHeldBytesAsync(Key, ct);
        Assert.InRange(held, 4 * Chunk, data.Length - 1);
        Assert.Equal(0, held % Chunk);
        Assert.Equal(data.AsMemory(0, (int)held).ToArray(), (await TestData.ReadAllAsync(store, Key))[..(int)held]);
        // The chunk the full volume cut is gone from the file at once (its blocks are free again), not left uncounted.
        Assert.Equal(held, new FileInfo(store.PathFor(Key)).Length);

        File.Delete(filler);
        var resumed = await upload.WriteAsync(Key, data.Length, sha, held, TestData.Chunks(data.AsMemory((int)held), Chunk), ct);

        Assert.Equal(UploadOutcome.Complete, resumed.Outcome);
        Assert.Equal(data, await TestData.ReadAllAsync(store, Key));
    }

    [Fact]
    public async Task A_first_upload_on_a_full_volume_is_refused_before_it_holds_anything_and_leaves_no_empty_marker()
    {
        MountTmpfs("1m");
        var options = Options.Create(new MediaStoreOptions { RootDirectory = Path.Combine(mountPoint, "media") });
        var store = new FileSystemMediaStore(options);
        var upload = new ChunkedUpload(store, options);
        await FillAsync(Path.Combine(mountPoint, "filler"));
        var data = TestData.Bytes(3 * Chunk);

        await Assert.ThrowsAsync<StorageFullException>(() =>
            upload.WriteAsync(Key, data.Length, TestData.Sha256Hex(data), 0, TestData.Chunks(data, Chunk), ct));

        Assert.Equal(0, await store.GetHeldBytesAsync(Key, ct));
        Assert.DoesNotContain(Directory.EnumerateFiles(mountPoint, "*.held", SearchOption.AllDirectories), m => new FileInfo(m).Length != sizeof(long));
    }

    private void MountTmpfs(string size)
    {
        Directory.CreateDirectory(mountPoint);
        if (Environment.UserName != "root" || !OperatingSystem.IsLinux())
        {
            Assert.Skip("mounting a tmpfs needs root on Linux");
        }

        if (!Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", mountPoint))
        {
            Assert.Skip("mount -t tmpfs was refused (no CAP_SYS_ADMIN)");
        }

        mounted = true;
    }

    /// <summary>Writes until the volume is full, to the last page.</summary>
    private async Task FillAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var page = new byte[4096];
        try
        {
            while (true)
            {
                await file.WriteAsync(page, ct);
            }
        }
        catch (IOException e) when (NoSpaceLeft.Is(e))
        {
        }
    }

    private static bool Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true });
        if (process is null)
        {
            return false;
        }

        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
