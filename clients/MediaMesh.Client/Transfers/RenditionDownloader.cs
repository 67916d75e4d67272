using System.Security.Cryptography;
using Grpc.Core;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Client.Transfers;

/// <summary>
/// Downloads a rendition into <c>&lt;path&gt;.part</c>, continuing from the partial file's length
/// (after a broken connection, or in a later run), then checks the SHA-256 of the whole file against
/// the rendition's and only then renames it to <c>&lt;path&gt;</c>. A mismatch deletes the partial
/// file and is an error (DATA_LOSS), never a silently bad file. The hash is computed as the bytes
/// arrive (a resumed partial file is hashed once when the download starts), so memory stays at one chunk.
/// </summary>
public sealed class RenditionDownloader(MediaMeshClient client, TransferOptions? options = null, TimeProvider? clock = null)
{
    private readonly TransferOptions _options = options ?? new TransferOptions();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The partial file a download of <paramref name="path"/> writes to.</summary>
    public static string PartialPath(string path) => path + ".part";

    public async Task<Rendition> DownloadAsync(string renditionId, string path, IProgress<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var partial = PartialPath(path);
        var rendition = (await client.Media.GetRenditionAsync(new GetRenditionRequest { Id = renditionId },
            cancellationToken: cancellationToken).ConfigureAwait(false)).Rendition;
        if (rendition.State != RenditionState.Complete)
        {
            throw new MediaMeshException(StatusCode.FailedPrecondition,
                $"Rendition {renditionId} is not complete yet ({rendition.ReceivedBytes} of {rendition.SizeBytes} bytes uploaded).");
        }

        if (File.Exists(partial) && new FileInfo(partial).Length > rendition.SizeBytes)
        {
            File.Delete(partial);
        }

        var meter = new RateMeter(rendition.SizeBytes, _clock);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous))
        {
            var resumedFrom = await HashExistingAsync(file, hash, cancellationToken).ConfigureAwait(false);
            var failuresWithoutProgress = 0;
            var attempt = 0;
            while (file.Length < rendition.SizeBytes)
            {
                attempt++;
                var before = file.Length;
                try
                {
                    await ReceiveAsync(rendition, file, hash, meter, attempt, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (TransientFailure.Is(e, cancellationToken))
                {
                    failuresWithoutProgress = file.Length > before ? 1 : failuresWithoutProgress + 1;
                    if (failuresWithoutProgress >= _options.MaxAttemptsWithoutProgress)
                    {
                        throw e as MediaMeshException ?? new MediaMeshException(StatusCode.Unavailable,
                            $"The download of rendition {renditionId} made no progress in {failuresWithoutProgress} attempts; run it again to resume.");
                    }

                    progress?.Report(new TransferProgress(TransferPhase.Resuming, file.Length, rendition.SizeBytes, 0, null, attempt));
                    meter.Restart();
                    await Task.Delay(TransientFailure.Backoff(failuresWithoutProgress, _options, e), _clock, cancellationToken).ConfigureAwait(false);
                }
            }

            progress?.Report(meter.Report(TransferPhase.Verifying, file.Length, attempt));
            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(actual, rendition.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                file.Close();
                File.Delete(partial);
                throw new MediaMeshException(StatusCode.DataLoss, resumedFrom > 0
                    ? $"The downloaded file's SHA-256 {actual} is not the rendition's {rendition.Sha256}: the partial file kept from before did not belong to it. It was deleted; download again."
                    : $"The downloaded file's SHA-256 {actual} is not the rendition's {rendition.Sha256}. The file was deleted; download again.");
            }
        }

        File.Move(partial, path, overwrite: true);
        progress?.Report(new TransferProgress(TransferPhase.Completed, rendition.SizeBytes, rendition.SizeBytes, 0, TimeSpan.Zero, 0));
        return rendition;
    }

    private async Task ReceiveAsync(Rendition rendition, FileStream file, IncrementalHash hash, RateMeter meter, int attempt,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        using var stall = new StallGuard(_options.StallTimeout, _clock, cancellationToken);
        using var call = client.Media.DownloadRendition(new DownloadRenditionRequest
        {
            Id = rendition.Id,
            Offset = file.Length,
            ChunkSize = 1024 * 1024,
        }, cancellationToken: stall.Token);
        progress?.Report(meter.Report(TransferPhase.Transferring, file.Length, attempt));
        while (await call.ResponseStream.MoveNext(stall.Token).ConfigureAwait(false))
        {
            var chunk = call.ResponseStream.Current;
            if (chunk.Rendition is { } current && !string.Equals(current.Sha256, rendition.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new MediaMeshException(StatusCode.FailedPrecondition, $"Rendition {rendition.Id} changed while downloading.");
            }

            if (chunk.Data.IsEmpty)
            {
                continue;
            }

            if (chunk.Offset != file.Length)
            {
                throw new MediaMeshException(StatusCode.DataLoss, $"The server sent bytes at {chunk.Offset}, expected {file.Length}.");
            }

            var data = chunk.Data.Memory;
            var length = file.Length;
            file.Seek(0, SeekOrigin.End);
            try
            {
                await file.WriteAsync(data, stall.Token).ConfigureAwait(false);
            }
            catch
            {
                // Keep the partial file and the running hash in step: drop a half-written chunk.
                file.SetLength(length);
                throw;
            }

            hash.AppendData(data.Span);
            stall.Progressed();
            progress?.Report(meter.Report(TransferPhase.Transferring, file.Length, attempt));
        }

        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> HashExistingAsync(FileStream file, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024 * 1024];
        file.Seek(0, SeekOrigin.Begin);
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        return file.Length;
    }
}
