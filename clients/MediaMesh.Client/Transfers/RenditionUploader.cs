using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Client.Transfers;

/// <summary>
/// Uploads a local file as a rendition: hashes it while reading, declares it (size and SHA-256),
/// then sends it in chunks. After a broken or stalled connection it asks the server how many bytes
/// it holds and continues from there, with back-off, giving up after
/// <see cref="TransferOptions.MaxAttemptsWithoutProgress"/> attempts in a row that moved nothing.
/// Memory stays at one chunk whatever the file size. A rendition of the same offer with the same
/// size and SHA-256 that is still UPLOADING is resumed rather than declared again, so a re-run after
/// the process died continues where it stopped. A resume refused because another stream still holds the
/// rendition's lease waits for the time the server gives (RetryInfo) and tries again.
/// </summary>
public sealed class RenditionUploader(MediaMeshClient client, TransferOptions? options = null, TimeProvider? clock = null)
{
    private readonly TransferOptions _options = options ?? new TransferOptions();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Declares (or finds) the rendition of <paramref name="offerId"/> for <paramref name="path"/> and uploads it.</summary>
    public async Task<Rendition> UploadAsync(string offerId, string path, RenditionDeclaration declaration,
        IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var size = new FileInfo(path).Length;
        var sha256 = await HashAsync(path, size, progress, cancellationToken).ConfigureAwait(false);
        var offer = (await client.Offers.GetOfferAsync(new GetOfferRequest { Id = offerId }, cancellationToken: cancellationToken).ConfigureAwait(false)).Offer;
        var existing = offer.Renditions.FirstOrDefault(r => r.SizeBytes == size
            && string.Equals(r.Sha256, sha256, StringComparison.OrdinalIgnoreCase)
            && r.State is RenditionState.Uploading or RenditionState.Complete);
        if (existing is { State: RenditionState.Complete })
        {
            progress?.Report(new TransferProgress(TransferPhase.Completed, size, size, 0, TimeSpan.Zero, 0));
            return existing;
        }

        var rendition = existing ?? (await client.Media.CreateRenditionAsync(new CreateRenditionRequest
        {
            Rendition = new Rendition
            {
                OfferId = offerId,
                Kind = declaration.Kind,
                FileName = declaration.FileName ?? Path.GetFileName(path),
                MimeType = declaration.MimeType,
                SizeBytes = size,
                Sha256 = sha256,
                Language = declaration.Language ?? string.Empty,
                VideoCodec = declaration.VideoCodec ?? string.Empty,
                Width = declaration.Width,
                Height = declaration.Height,
                FrameRate = declaration.FrameRate,
                Bitrate = declaration.Bitrate,
            },
        }, cancellationToken: cancellationToken).ConfigureAwait(false)).Rendition;
        return await ResumeAsync(rendition.Id, path, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads <paramref name="path"/> into an already declared rendition, from the bytes the server holds.</summary>
    public async Task<Rendition> ResumeAsync(string renditionId, string path, IProgress<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var failuresWithoutProgress = 0;
        long lastHeld = -1;
        var attempt = 0;
        RateMeter? meter = null;
        long total = 0;
        while (true)
        {
            attempt++;
            try
            {
                var rendition = (await client.Media.GetRenditionAsync(new GetRenditionRequest { Id = renditionId },
                    cancellationToken: cancellationToken).ConfigureAwait(false)).Rendition;
                meter ??= new RateMeter(rendition.SizeBytes, _clock);
                total = rendition.SizeBytes;
                switch (rendition.State)
                {
                    case RenditionState.Complete:
                        progress?.Report(new TransferProgress(TransferPhase.Completed, rendition.SizeBytes, rendition.SizeBytes, 0, TimeSpan.Zero, attempt));
                        return rendition;
                    case RenditionState.Failed:
                        throw new MediaMeshException(StatusCode.DataLoss,
                            $"Rendition {renditionId} failed verification on the server; declare it again.");
                }

                if (new FileInfo(path).Length != rendition.SizeBytes)
                {
                    throw new MediaMeshException(StatusCode.FailedPrecondition,
                        $"{path} has {new FileInfo(path).Length} bytes but rendition {renditionId} was declared with {rendition.SizeBytes}.");
                }

                if (rendition.ReceivedBytes > lastHeld)
                {
                    failuresWithoutProgress = 0;
                    lastHeld = rendition.ReceivedBytes;
                }

                var done = await SendFromAsync(rendition, path, meter, attempt, progress, cancellationToken).ConfigureAwait(false);
                if (done.State == RenditionState.Complete)
                {
                    progress?.Report(new TransferProgress(TransferPhase.Completed, done.SizeBytes, done.SizeBytes, 0, TimeSpan.Zero, attempt));
                    return done;
                }
            }
            catch (Exception e) when (e is not MediaMeshException { StatusCode: StatusCode.DataLoss }
                && (TransientFailure.Is(e, cancellationToken) || IsOffsetRace(e) || IsLeaseHeld(e)))
            {
                failuresWithoutProgress++;
                if (failuresWithoutProgress >= _options.MaxAttemptsWithoutProgress)
                {
                    throw e as MediaMeshException ?? new MediaMeshException(StatusCode.Unavailable,
                        $"The upload of rendition {renditionId} made no progress in {failuresWithoutProgress} attempts; run it again to resume.");
                }

                progress?.Report(new TransferProgress(TransferPhase.Resuming, Math.Max(0, lastHeld), total, 0, null, attempt));
                meter?.Restart();
                await Task.Delay(TransientFailure.Backoff(failuresWithoutProgress, _options, e), _clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<Rendition> SendFromAsync(Rendition rendition, string path, RateMeter meter, int attempt,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        using var stall = new StallGuard(_options.StallTimeout, _clock, cancellationToken);
        using var call = client.Media.UploadRendition(cancellationToken: stall.Token);
        await call.RequestStream.WriteAsync(new UploadRenditionRequest
        {
            Target = new UploadTarget { RenditionId = rendition.Id, Offset = rendition.ReceivedBytes },
        }, stall.Token).ConfigureAwait(false);

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        file.Seek(rendition.ReceivedBytes, SeekOrigin.Begin);
        var buffer = new byte[Math.Clamp(_options.ChunkBytes, 4096, 1024 * 1024)];
        var sent = rendition.ReceivedBytes;
        progress?.Report(meter.Report(TransferPhase.Transferring, sent, attempt));
        try
        {
            int read;
            while ((read = await file.ReadAsync(buffer, stall.Token).ConfigureAwait(false)) > 0)
            {
                // The message is serialised before WriteAsync completes, so one buffer serves every chunk.
                await call.RequestStream.WriteAsync(new UploadRenditionRequest { Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)) }, stall.Token)
                    .ConfigureAwait(false);
                sent += read;
                stall.Progressed();
                progress?.Report(meter.Report(TransferPhase.Transferring, sent, attempt));
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or IOException or InvalidOperationException)
        {
            // The server ended the call early (its status says why) or the connection broke: the response tells which.
        }

        progress?.Report(meter.Report(TransferPhase.Verifying, sent, attempt));
        var response = await call.ResponseAsync.ConfigureAwait(false);
        return response.Rendition;
    }

    /// <summary>
    /// The server was still storing the tail of the broken attempt when this one named its offset
    /// (UPLOAD_OFFSET): read the bytes held again and continue from there.
    /// </summary>
    private static bool IsOffsetRace(Exception e) =>
        e is MediaMeshException { StatusCode: StatusCode.FailedPrecondition } refused
        && refused.PreconditionViolations.Any(v => v.Type == "UPLOAD_OFFSET");

    /// <summary>
    /// Another stream still holds the rendition's upload lease (UPLOAD_IN_PROGRESS): typically this client's own
    /// broken attempt, which the server has not yet seen end, or one cut by a replica that died. The refusal's
    /// RetryInfo says when the lease runs out; the resume waits that long and tries again.
    /// </summary>
    private static bool IsLeaseHeld(Exception e) =>
        e is MediaMeshException { StatusCode: StatusCode.FailedPrecondition } refused
        && refused.PreconditionViolations.Any(v => v.Type == "UPLOAD_IN_PROGRESS");

    /// <summary>Reads the file once to compute its SHA-256 (lower-case hex), reporting progress.</summary>
    public async Task<string> HashAsync(string path, long size, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var meter = new RateMeter(size, _clock);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var buffer = new byte[1024 * 1024];
        long done = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            done += read;
            progress?.Report(meter.Report(TransferPhase.Hashing, done, 0));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>Cancels an attempt when no byte has moved for the stall timeout (or when the caller cancels).</summary>
internal sealed class StallGuard : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _timeout;

    public StallGuard(TimeSpan timeout, TimeProvider clock, CancellationToken callerToken)
    {
        _timeout = timeout;
        _source = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        _timer = clock.CreateTimer(_ => Stalled(), null, timeout, Timeout.InfiniteTimeSpan);
    }

    private readonly ITimer _timer;

    public CancellationToken Token => _source.Token;

    public void Progressed() => _timer.Change(_timeout, Timeout.InfiniteTimeSpan);

    private void Stalled()
    {
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt already ended.
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _source.Dispose();
    }
}
