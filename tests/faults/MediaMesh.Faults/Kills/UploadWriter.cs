using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Grpc.Core;
using MediaMesh.Client;
using MediaMesh.Client.Transfers;
using ExV1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Faults.Kills;

/// <summary>What the exchange held of an upload it was killed in the middle of: on disk at the kill, and what it said after the restart.</summary>
public sealed record InterruptedUpload(string RenditionId, long OnDiskAtKill, long HeldAfterRestart, TimeSpan ServingToCompleted);

/// <summary>
/// One member uploads renditions (a few MiB of random bytes each) to its own draft offer with the SDK's
/// resumable uploader, one after another, and records each verified one. The killer asks it which upload is
/// in flight (<see cref="InFlight"/>); after an exchange kill the first attempt of the resumed upload starts at
/// the offset the restarted exchange says it holds, which is recorded against the bytes on disk at the kill,
/// with the time from the exchange serving again to the upload's completion.
/// An upload the SDK gives up on is run again (as a member re-runs it) until it completes or the round ends.
/// </summary>
public sealed class UploadWriter(KillMember member, WriteLedger ledger, StatusTally tally, int sizeMiB, string folder, Random dice, CancellationToken ct)
{
    private static readonly TransferOptions Transfer = new()
    {
        // A member on a link that breaks often: quicker resumes, more patience (the defaults give up after 6 attempts).
        MaxBackoff = TimeSpan.FromSeconds(2),
        MaxAttemptsWithoutProgress = 40,
        StallTimeout = TimeSpan.FromSeconds(15),
    };

    private readonly object _gate = new();
    private string? _renditionId;
    private long _bytesSent;
    private long _size;
    private int _attempt;
    private int _attemptBase;
    private (string RenditionId, int Attempt, long OnDisk, long ServingAt, long HeldAfter)? _killed;
    private TaskCompletionSource<string>? _reached;
    private double _reachFraction;

    public ConcurrentQueue<InterruptedUpload> Interrupted { get; } = new();

    public long Started { get; private set; }

    public long Resumed { get; private set; }

    public long GaveUpAttempts { get; private set; }

    public string OfferId { get; private set; } = string.Empty;

    /// <summary>The rendition being transferred and how many of its bytes the client has sent, or null between uploads.</summary>
    public (string RenditionId, int Attempt, long Sent, long Size)? InFlight
    {
        get
        {
            lock (_gate)
            {
                return _renditionId is null ? null : (_renditionId, _attempt, _bytesSent, _size);
            }
        }
    }

    /// <summary>Completes once an upload has sent <paramref name="fraction"/> of its bytes (for a kill in the middle of it).</summary>
    public Task<string> ReachedAsync(double fraction)
    {
        lock (_gate)
        {
            _reachFraction = fraction;
            _reached = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _reached.Task;
        }
    }

    /// <summary>The killer killed the exchange while <paramref name="renditionId"/> was in flight; <paramref name="onDisk"/> bytes were in its file.</summary>
    public void KilledDuring(string renditionId, int attempt, long onDisk)
    {
        lock (_gate)
        {
            _killed = (renditionId, attempt, onDisk, 0, -1);
        }
    }

    /// <summary>The exchange serves again: the resume's wait is counted from here.</summary>
    public void ExchangeServing()
    {
        lock (_gate)
        {
            if (_killed is { } k)
            {
                _killed = k with { ServingAt = Stopwatch.GetTimestamp() };
            }
        }
    }

    public async Task PrepareAsync()
    {
        var offer = await KillWorld.Retried(() => member.Client.Offers.CreateOfferAsync(
            new ExV1.CreateOfferRequest { Offer = KillWriters.NewOffer($"uploads of member {member.Index}", auto: false) }, cancellationToken: ct).ResponseAsync, ct);
        OfferId = offer.Offer.Id;
    }

    public async Task RunAsync(CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var path = Path.Combine(folder, $"upload-{n}.bin");
            var bytes = new byte[(sizeMiB * 1024 * 1024) + dice.Next(4096)];
            dice.NextBytes(bytes);
            await File.WriteAllBytesAsync(path, bytes, ct);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            ledger.Attempt("rendition uploaded");
            Started++;
            var rendition = await UploadAsync(path, bytes.Length, sha256, stop);
            File.Delete(path);
            if (rendition is not null)
            {
                ledger.Acknowledge("rendition uploaded");
            }
        }
    }

    private async Task<RenditionWrite?> UploadAsync(string path, long size, string sha256, CancellationToken stop)
    {
        var interrupted = false;
        string? id = null;
        var progress = new Progress(this, () => interrupted = true);
        try
        {
            while (true)
            {
                try
                {
                    if (id is null)
                    {
                        id = await DeclareAsync(size, sha256);
                        lock (_gate)
                        {
                            (_renditionId, _size, _bytesSent, _attempt) = (id, size, 0, 0);
                        }
                    }

                    lock (_gate)
                    {
                        // A run again numbers its attempts from 1: keep counting on from the last one.
                        _attemptBase = _attempt;
                    }

                    var done = await new RenditionUploader(member.Client, Transfer).ResumeAsync(id, path, progress, ct);
                    tally.Ok();
                    if (done.State != ExV1.RenditionState.Complete)
                    {
                        throw new InvalidOperationException($"upload of {id} ended {done.State}");
                    }

                    if (interrupted)
                    {
                        Resumed++;
                    }

                    var write = new RenditionWrite(id, size, sha256, interrupted);
                    ledger.Renditions[id] = write;
                    return write;
                }
                catch (RpcException e) when (!ct.IsCancellationRequested)
                {
                    // The SDK gave up (too many attempts without progress) or a declaration failed: a member runs it again.
                    tally.Failed(id is null ? "CreateRendition" : "UploadRendition", e.StatusCode, e.Status.Detail);
                    interrupted |= id is not null;
                    GaveUpAttempts++;
                    if (stop.IsCancellationRequested)
                    {
                        return null;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _renditionId = null;
            }
        }
    }

    /// <summary>Declares the rendition; after a declaration whose answer was lost, finds it on the offer (same size and SHA-256) instead of declaring it twice.</summary>
    private async Task<string> DeclareAsync(long size, string sha256)
    {
        var existing = (await member.Client.Offers.GetOfferAsync(new ExV1.GetOfferRequest { Id = OfferId }, cancellationToken: ct)).Offer.Renditions
            .FirstOrDefault(r => r.SizeBytes == size && r.Sha256 == sha256);
        if (existing is not null)
        {
            return existing.Id;
        }

        var created = await member.Client.Media.CreateRenditionAsync(new ExV1.CreateRenditionRequest
        {
            Rendition = new ExV1.Rendition
            {
                OfferId = OfferId,
                Kind = ExV1.RenditionKind.BroadcastMaster,
                FileName = "kill-round.mp4",
                MimeType = "video/mp4",
                SizeBytes = size,
                Sha256 = sha256,
            },
        }, cancellationToken: ct);
        tally.Ok();
        return created.Rendition.Id;
    }

    private void Reported(TransferProgress report, Action interrupted)
    {
        lock (_gate)
        {
            if (_renditionId is null)
            {
                return;
            }

            if (report.Phase == TransferPhase.Resuming)
            {
                interrupted();
            }

            var attempt = _attemptBase + report.Attempt;
            _attempt = attempt;
            if (report.Phase == TransferPhase.Transferring)
            {
                _bytesSent = report.BytesDone;
            }

            // The first report of the first attempt after the kill is the offset the restarted exchange said it
            // holds; the wait that matters to the member is until the upload completes.
            if (_killed is { } k && k.RenditionId == _renditionId && attempt > k.Attempt)
            {
                interrupted();
                if (k.HeldAfter < 0 && report.Phase is TransferPhase.Transferring or TransferPhase.Completed)
                {
                    _killed = k = k with { HeldAfter = report.BytesDone };
                }

                if (report.Phase == TransferPhase.Completed)
                {
                    var wait = k.ServingAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(k.ServingAt);
                    Interrupted.Enqueue(new InterruptedUpload(k.RenditionId, k.OnDisk, k.HeldAfter, wait));
                    _killed = null;
                }
            }

            if (_reached is { } reached && report.Phase == TransferPhase.Transferring && report.BytesDone >= _size * _reachFraction && report.BytesDone < _size)
            {
                _reached = null;
                reached.TrySetResult(_renditionId);
            }
        }
    }

    private sealed class Progress(UploadWriter writer, Action interrupted) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => writer.Reported(value, interrupted);
    }
}
