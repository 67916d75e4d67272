using System.Globalization;
using MediaMesh.Common.Errors;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore;

/// <summary>
/// Writes a client stream of chunks into the media store, resumably. Field names in refusals are those
/// of <c>mediamesh.exchange.v1.UploadRenditionRequest</c> ("target.offset", "data").
/// </summary>
/// <remarks>
/// Every chunk is appended (and flushed) before the next one is read, so if the chunk stream breaks —
/// cancellation, an <see cref="IOException"/> from a dropped connection, anything — the exception
/// propagates unchanged and every byte appended so far stays held: the next upload resumes from
/// <see cref="IMediaStore.GetHeldBytesAsync"/>. A refused chunk writes nothing; the chunks before it stay.
/// Chunk memory is not kept after its append, so a source may reuse one buffer.
/// </remarks>
public sealed class ChunkedUpload(IMediaStore store, IOptions<MediaStoreOptions> options)
{
    private readonly MediaStoreOptions settings = options.Value;

    /// <summary>The configured limits: largest rendition and largest chunk.</summary>
    public long MaxRenditionBytes => settings.MaxRenditionBytes;

    public int MaxChunkBytes => settings.MaxUploadChunkBytes;

    /// <summary>
    /// Checks a rendition declaration (size in 1..MaxRenditionBytes, SHA-256 as 64 hex characters);
    /// the exchange service calls it when a rendition is created, naming its own field paths.
    /// </summary>
    /// <exception cref="ValidationFailedException">INVALID_ARGUMENT naming each bad field.</exception>
    public void ValidateDeclaration(long sizeBytes, string? sha256Hex, string sizeField = "size_bytes", string sha256Field = "sha256")
    {
        var violations = new List<FieldViolation>();
        if (sizeBytes <= 0)
        {
            violations.Add(new FieldViolation(sizeField, "must be positive"));
        }
        else if (sizeBytes > settings.MaxRenditionBytes)
        {
            violations.Add(new FieldViolation(sizeField, string.Create(CultureInfo.InvariantCulture,
                $"must be at most {settings.MaxRenditionBytes} bytes")));
        }

        if (!IsSha256Hex(sha256Hex))
        {
            violations.Add(new FieldViolation(sha256Field, "must be the SHA-256 of the file as 64 hexadecimal characters"));
        }

        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }
    }

    /// <summary>
    /// Appends <paramref name="chunks"/> to the object starting at <paramref name="offset"/>; when the
    /// held bytes reach <paramref name="declaredSize"/> (also with no chunks at all), verifies them.
    /// </summary>
    /// <returns>Incomplete, Complete or ChecksumMismatch with the bytes held.</returns>
    /// <exception cref="ValidationFailedException">
    /// The declaration is invalid ("size_bytes"/"sha256"); the offset is negative ("target.offset");
    /// a chunk exceeds <see cref="MaxChunkBytes"/> ("data"); or a chunk would carry the object past
    /// <paramref name="declaredSize"/> ("data"). The last is INVALID_ARGUMENT rather than
    /// FAILED_PRECONDITION because the request contradicts the caller's own declaration: no change of
    /// server state would make it acceptable.
    /// </exception>
    /// <exception cref="PreconditionFailedException">
    /// <paramref name="offset"/> differs from the bytes held (type <see cref="MediaStoreErrors.UploadOffsetViolation"/>;
    /// the message names the offset to resume from).
    /// </exception>
    public async Task<UploadResult> WriteAsync(
        string objectKey,
        long declaredSize,
        string declaredSha256Hex,
        long offset,
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        MediaObjectKey.EnsureValid(objectKey);
        ValidateDeclaration(declaredSize, declaredSha256Hex);
        if (offset < 0)
        {
            throw ValidationFailedException.For("target.offset", "must not be negative");
        }

        var held = await store.GetHeldBytesAsync(objectKey, cancellationToken);
        if (offset != held)
        {
            throw MediaStoreErrors.OffsetMismatch(objectKey, offset, held);
        }

        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            // Sources that ignore their token (a plain iterator) must not keep the upload going.
            cancellationToken.ThrowIfCancellationRequested();
            if (chunk.Length > settings.MaxUploadChunkBytes)
            {
                throw ValidationFailedException.For("data", string.Create(CultureInfo.InvariantCulture,
                    $"a chunk may carry at most {settings.MaxUploadChunkBytes} bytes; this one carried {chunk.Length}"));
            }

            if (chunk.Length > declaredSize - held)
            {
                throw ValidationFailedException.For("data", string.Create(CultureInfo.InvariantCulture,
                    $"the chunk at offset {held} carries {chunk.Length} bytes, past the declared size_bytes {declaredSize}"));
            }

            if (!chunk.IsEmpty)
            {
                held = await store.AppendAsync(objectKey, held, chunk, cancellationToken);
            }
        }

        if (held < declaredSize)
        {
            return new UploadResult(UploadOutcome.Incomplete, held, null);
        }

        var verification = await store.VerifyAsync(objectKey, declaredSize, declaredSha256Hex, cancellationToken);
        return new UploadResult(verification.IsIntact ? UploadOutcome.Complete : UploadOutcome.ChecksumMismatch, verification.ActualSize, verification);
    }

    private static bool IsSha256Hex(string? value) =>
        value is { Length: 64 } && value.All(char.IsAsciiHexDigit);
}
