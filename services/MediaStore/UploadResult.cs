namespace MediaMesh.MediaStore;

/// <summary>Where an upload stands after a stream of chunks ended normally.</summary>
public enum UploadOutcome
{
    /// <summary>Fewer bytes than declared are held; the member resumes from <see cref="UploadResult.HeldBytes"/>.</summary>
    Incomplete = 1,

    /// <summary>All declared bytes are held and their size and SHA-256 match the declaration.</summary>
    Complete = 2,

    /// <summary>
    /// All declared bytes are held but size or SHA-256 differ. The caller marks the rendition FAILED,
    /// deletes the bytes (so the member uploads again from 0) and answers DATA_LOSS.
    /// </summary>
    ChecksumMismatch = 3,
}

/// <param name="Outcome">What the caller should record.</param>
/// <param name="HeldBytes">Bytes held after the upload (the rendition's received_bytes).</param>
/// <param name="Verification">Set when all declared bytes were held and checked; null when Incomplete.</param>
public sealed record UploadResult(UploadOutcome Outcome, long HeldBytes, MediaVerification? Verification);
