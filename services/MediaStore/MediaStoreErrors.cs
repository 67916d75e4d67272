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
}
