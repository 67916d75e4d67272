namespace MediaMesh.MediaStore;

/// <summary>
/// Where rendition bytes live, addressed by object key (see <see cref="MediaObjectKey"/>). The local
/// file system (<see cref="FileSystemMediaStore"/>) is the embedded default; an S3-compatible store
/// can implement the same contract without the exchange service changing.
/// </summary>
/// <remarks>
/// An object only ever grows by appends at its current end, so "bytes held" is both its length and the
/// offset a resumed upload must start from. Invalid keys are programming errors of the caller and
/// throw <see cref="ArgumentException"/>; refusals a member can cause throw
/// <see cref="MediaMesh.Common.Errors.DomainException"/> subtypes.
/// </remarks>
public interface IMediaStore
{
    /// <summary>
    /// How many bytes the store holds for the object; 0 if it does not exist. Only bytes committed to
    /// stable storage count (see <see cref="IMediaAppender.CommitAsync"/>): after a crash this is never
    /// more than what survived, so a resumed upload starts from there.
    /// </summary>
    Task<long> GetHeldBytesAsync(string objectKey, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="data"/> at <paramref name="offset"/>, which must equal the bytes held
    /// (the object is created when <paramref name="offset"/> is 0). The bytes are on stable storage
    /// when the task completes. The store does not keep <paramref name="data"/> after returning, so
    /// callers may reuse the buffer.
    /// </summary>
    /// <returns>The bytes held after the append.</returns>
    /// <exception cref="MediaMesh.Common.Errors.PreconditionFailedException">
    /// <paramref name="offset"/> differs from the bytes held (violation type
    /// <see cref="MediaStoreErrors.UploadOffsetViolation"/>, subject = the object key; the message
    /// names the held offset to resume from). FAILED_PRECONDITION.
    /// </exception>
    Task<long> AppendAsync(string objectKey, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the object for a run of appends starting at <paramref name="offset"/>, which must equal the
    /// bytes held. Bytes written count as held only once committed; anything written past the last
    /// commit (a crash in between) is dropped when the object is opened again. The newest appender of an
    /// object owns it: an older one still open (a stalled upload) has its writes refused (FAILED_PRECONDITION,
    /// UPLOAD_IN_PROGRESS) and its commits ignored.
    /// </summary>
    Task<IMediaAppender> OpenAppenderAsync(string objectKey, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the object for reading, positioned at <paramref name="offset"/> (0 ≤ offset ≤ length;
    /// offset = length gives an empty read). The caller disposes the stream.
    /// </summary>
    /// <exception cref="MediaMesh.Common.Errors.ResourceNotFoundException">The object does not exist.</exception>
    /// <exception cref="MediaMesh.Common.Errors.ValidationFailedException">
    /// <paramref name="offset"/> is negative or beyond the bytes held (field "offset").
    /// </exception>
    Task<Stream> OpenReadAsync(string objectKey, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the whole object through SHA-256 (never loading it whole) and compares size and
    /// checksum with what was declared. A missing object verifies as 0 bytes.
    /// </summary>
    Task<MediaVerification> VerifyAsync(string objectKey, long expectedSize, string expectedSha256Hex, CancellationToken cancellationToken);

    /// <summary>Deletes the object; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string objectKey, CancellationToken cancellationToken);
}

/// <summary>An open run of appends to one object (<see cref="IMediaStore.OpenAppenderAsync"/>).</summary>
public interface IMediaAppender : IAsyncDisposable
{
    /// <summary>Bytes written so far, the object's offset for the next write.</summary>
    long Position { get; }

    /// <summary>Bytes on stable storage and reported as held.</summary>
    long Committed { get; }

    /// <summary>Writes <paramref name="data"/> at <see cref="Position"/>; not held until committed. The buffer is not kept.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Flushes the written bytes to stable storage (fsync), then records them as held.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
