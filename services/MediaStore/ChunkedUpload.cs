using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using MediaMesh.Common.Errors;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore;

/// <summary>
/// Writes a client stream of chunks into the media store, resumably. Field names in refusals are those
/// of <c>mediamesh.exchange.v1.UploadRenditionRequest</c> ("target.offset", "data").
/// </summary>
/// <remarks>
/// Chunks are written as they arrive and hashed (SHA-256) on the way, so the check at the last byte
/// reads nothing back. Written bytes are committed (fsync, then counted as held) every
/// <see cref="MediaStoreOptions.CommitEveryBytes"/> and when the stream ends however it ends —
/// cancellation, an <see cref="IOException"/> from a dropped connection, a refused chunk: the exception
/// propagates unchanged and every byte written so far stays held; the next upload resumes from
/// <see cref="IMediaStore.GetHeldBytesAsync"/>. If the process dies, at most the bytes since the last
/// commit are lost and re-sent. A refused chunk writes nothing. Chunk memory is not kept after its
/// write, so a source may reuse one buffer.
/// </remarks>
public sealed class ChunkedUpload(IMediaStore store, IOptions<MediaStoreOptions> options)
{
    private readonly MediaStoreOptions settings = options.Value;
    private readonly UploadHashes hashes = new();

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

        var sha256 = await HashOfHeldAsync(objectKey, held, cancellationToken);
        var committed = false;
        try
        {
            await using (var appender = await store.OpenAppenderAsync(objectKey, held, cancellationToken))
            {
                try
                {
                    await foreach (var chunk in chunks.WithCancellation(cancellationToken))
                    {
                        // Sources that ignore their token (a plain iterator) must not keep the upload going.
                        cancellationToken.ThrowIfCancellationRequested();
                        if (chunk.Length > settings.MaxUploadChunkBytes)
                        {
                            throw ValidationFailedException.For("data", string.Create(CultureInfo.InvariantCulture,
                                $"a chunk may carry at most {settings.MaxUploadChunkBytes} bytes; this one carried {chunk.Length}"));
                        }

                        if (chunk.Length > declaredSize - appender.Position)
                        {
                            throw ValidationFailedException.For("data", string.Create(CultureInfo.InvariantCulture,
                                $"the chunk at offset {appender.Position} carries {chunk.Length} bytes, past the declared size_bytes {declaredSize}"));
                        }

                        if (chunk.IsEmpty)
                        {
                            continue;
                        }

                        await appender.WriteAsync(chunk, cancellationToken);
                        sha256.AppendData(chunk.Span);
                        if (appender.Position - appender.Committed >= settings.CommitEveryBytes)
                        {
                            await appender.CommitAsync(cancellationToken);
                        }
                    }
                }
                finally
                {
                    // However the stream ended, the bytes written so far become held (the process is alive to fsync
                    // them), so the hash covers exactly the held bytes and can wait for the resume.
                    await appender.CommitAsync(CancellationToken.None);
                    held = appender.Committed;
                    committed = true;
                }
            }

            if (held < declaredSize)
            {
                hashes.Keep(objectKey, held, sha256);
                sha256 = null;
                return new UploadResult(UploadOutcome.Incomplete, held, null);
            }

            // Every byte was hashed as it arrived (or once, the held prefix, when this upload resumed): nothing is read again.
            var verification = new MediaVerification(declaredSize, declaredSha256Hex, held, Convert.ToHexStringLower(sha256.GetHashAndReset()));
            return new UploadResult(verification.IsIntact ? UploadOutcome.Complete : UploadOutcome.ChecksumMismatch, held, verification);
        }
        catch when (committed && sha256 is not null)
        {
            hashes.Keep(objectKey, held, sha256);
            sha256 = null;
            throw;
        }
        finally
        {
            sha256?.Dispose();
        }
    }

    /// <summary>
    /// The running SHA-256 of the <paramref name="held"/> bytes: the one kept from the previous upload of
    /// this object in this process, or — after a restart, or on another replica — the held prefix read
    /// once now.
    /// </summary>
    private async Task<IncrementalHash> HashOfHeldAsync(string objectKey, long held, CancellationToken cancellationToken)
    {
        if (hashes.Take(objectKey, held) is { } kept)
        {
            return kept;
        }

        var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (held == 0)
        {
            return sha256;
        }

        try
        {
            await using var stream = await store.OpenReadAsync(objectKey, 0, cancellationToken);
            var buffer = ArrayPool<byte>.Shared.Rent(MediaStoreOptions.MiB);
            try
            {
                var remaining = held;
                while (remaining > 0)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(remaining, MediaStoreOptions.MiB)), cancellationToken);
                    if (read == 0)
                    {
                        throw new IOException($"media object '{objectKey}' ended before its {held} held bytes");
                    }

                    sha256.AppendData(buffer, 0, read);
                    remaining -= read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return sha256;
        }
        catch
        {
            sha256.Dispose();
            throw;
        }
    }

    private static bool IsSha256Hex(string? value) =>
        value is { Length: 64 } && value.All(char.IsAsciiHexDigit);
}
