using System.Diagnostics;

namespace MediaMesh.Faults.DiskFull;

/// <summary>
/// A small tmpfs mounted for the exchange's media root (needs root on Linux), a filler file that takes
/// all but a given number of its bytes, and the unmount when disposed.
/// </summary>
public sealed class MediaVolume : IDisposable
{
    private MediaVolume(string mountPoint, long sizeBytes)
    {
        MountPoint = mountPoint;
        SizeBytes = sizeBytes;
    }

    public string MountPoint { get; }

    public long SizeBytes { get; }

    public string FillerPath => Path.Combine(MountPoint, "filler");

    public long AvailableBytes => new DriveInfo(MountPoint).AvailableFreeSpace;

    public static MediaVolume Mount(int sizeMiB)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new PlatformNotSupportedException("the disk-full part mounts a tmpfs: it needs root on Linux");
        }

        var mountPoint = Directory.CreateTempSubdirectory("mediamesh-diskfull-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={sizeMiB}m", "tmpfs", mountPoint);
        if (code != 0)
        {
            Directory.Delete(mountPoint);
            throw new InvalidOperationException($"mount -t tmpfs failed ({code}): {output}");
        }

        return new MediaVolume(mountPoint, sizeMiB * 1024L * 1024);
    }

    /// <summary>Writes a filler file that leaves <paramref name="leaveFree"/> bytes (rounded down to pages) free; returns its size.</summary>
    public async Task<long> FillAsync(long leaveFree, CancellationToken ct)
    {
        var size = (AvailableBytes - leaveFree) / 4096 * 4096;
        await using var file = new FileStream(FillerPath, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var block = new byte[1024 * 1024];
        Random.Shared.NextBytes(block);
        for (long written = 0; written < size; written += block.Length)
        {
            await file.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, size - written)), ct);
        }

        return size;
    }

    public void RemoveFiller() => File.Delete(FillerPath);

    public void Dispose()
    {
        var (code, _) = Run("umount", MountPoint);
        if (code != 0)
        {
            // Something still holds a file open (a process that outlived its stack): detach it anyway.
            Run("umount", "-l", MountPoint);
        }

        try
        {
            Directory.Delete(MountPoint, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temp cleaning.
        }
    }

    private static (int Code, string Output) Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"could not start {command}");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
