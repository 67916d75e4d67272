using MediaMesh.Common.Errors;

namespace MediaMesh.MediaStore;

/// <summary>The refusals the media store and its helpers raise, in one place so their wording stays consistent.</summary>
public static class MediaStoreErrors
{
    /// <summary>PreconditionFailure violation type when an upload does not start at the bytes held.</summary>
    public const string UploadOffsetViolation = "UPLOAD_OFFSET";

    /// <summary>FAILED_PRECONDITION naming the offset to resume from. Subject is the object key.</summary>
    public static PreconditionFailedException OffsetMismatch(string objectKey, long offset, long heldBytes) =>
        new($"The upload starts at offset {offset} but the server holds {heldBytes} bytes; resume from offset {heldBytes}.",
            UploadOffsetViolation, objectKey);

    /// <summary>FAILED_PRECONDITION: a newer run of appends to the object took it over.</summary>
    public static PreconditionFailedException AppendInProgress(string objectKey) =>
        new("Another upload is writing this object; resume from the offset the server reports once it ends.", "UPLOAD_IN_PROGRESS", objectKey);

    /// <summary>
    /// RESOURCE_EXHAUSTED: the media volume is full (or its quota used up). The bytes committed before it
    /// filled stay held, so the upload resumes from the offset the server reports once space is freed.
    /// </summary>
    public static StorageFullException StorageFull(Exception cause) =>
        new("The media store has no space left for these bytes. What was received before it filled is kept; "
            + "resume the upload from the offset the server reports once space is available again.", cause);
}
