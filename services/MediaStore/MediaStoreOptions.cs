namespace MediaMesh.MediaStore;

/// <summary>Settings under <c>MediaMesh:Media</c>.</summary>
public sealed class MediaStoreOptions
{
    public const string SectionName = "MediaMesh:Media";

    public const int KiB = 1024;
    public const int MiB = 1024 * KiB;
    public const long GiB = 1024L * MiB;

    /// <summary>Folder holding the objects. Default (set by AddMediaStore): <c>&lt;DataDirectory&gt;/media</c>.</summary>
    public string? RootDirectory { get; set; }

    /// <summary>Largest rendition that may be declared and uploaded. Default 50 GiB.</summary>
    public long MaxRenditionBytes { get; set; } = 50 * GiB;

    /// <summary>Largest data chunk one upload message may carry. Default 1 MiB.</summary>
    public int MaxUploadChunkBytes { get; set; } = MiB;

    /// <summary>
    /// An upload commits its bytes (fsync, then counts them as held) every this many bytes and when its
    /// stream ends. After a crash of the service the client re-sends at most this much. Default 32 MiB.
    /// </summary>
    public int CommitEveryBytes { get; set; } = 32 * MiB;

    /// <summary>Download chunk size when the caller asks for 0. Default 256 KiB.</summary>
    public int DefaultDownloadChunkBytes { get; set; } = 256 * KiB;

    /// <summary>Largest download chunk a caller may ask for. Default 1 MiB.</summary>
    public int MaxDownloadChunkBytes { get; set; } = MiB;

    /// <summary>Why the options are unusable, or null when they are fine.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(RootDirectory))
        {
            return $"{SectionName}:RootDirectory is required.";
        }

        if (MaxRenditionBytes <= 0)
        {
            return $"{SectionName}:MaxRenditionBytes must be positive.";
        }

        if (MaxUploadChunkBytes <= 0 || MaxUploadChunkBytes > 16 * MiB)
        {
            return $"{SectionName}:MaxUploadChunkBytes must be between 1 and {16 * MiB}.";
        }

        if (CommitEveryBytes <= 0)
        {
            return $"{SectionName}:CommitEveryBytes must be positive.";
        }

        if (MaxDownloadChunkBytes <= 0 || MaxDownloadChunkBytes > 16 * MiB)
        {
            return $"{SectionName}:MaxDownloadChunkBytes must be between 1 and {16 * MiB}.";
        }

        if (DefaultDownloadChunkBytes <= 0 || DefaultDownloadChunkBytes > MaxDownloadChunkBytes)
        {
            return $"{SectionName}:DefaultDownloadChunkBytes must be between 1 and MaxDownloadChunkBytes.";
        }

        return null;
    }
}
