namespace MediaMesh.MediaStore;

/// <summary>
/// The result of checking stored bytes against the declared size and SHA-256.
/// <see cref="ActualSha256Hex"/> is null when the size already differs (the bytes are then not hashed).
/// </summary>
public sealed record MediaVerification(long ExpectedSize, string ExpectedSha256Hex, long ActualSize, string? ActualSha256Hex)
{
    public bool SizeMatches => ActualSize == ExpectedSize;

    /// <summary>Hex comparison ignores case; the store itself produces lower-case hex.</summary>
    public bool ChecksumMatches =>
        ActualSha256Hex is not null && string.Equals(ActualSha256Hex, ExpectedSha256Hex, StringComparison.OrdinalIgnoreCase);

    /// <summary>Both size and SHA-256 match: the rendition is complete.</summary>
    public bool IsIntact => SizeMatches && ChecksumMatches;
}
