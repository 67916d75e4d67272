using System.Diagnostics;
using MediaMesh.Client.Transfers;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Media.Bench;

/// <summary>What a kill -9 of the exchange in the middle of an upload left, and how the upload finished.</summary>
public sealed record KillOutcome(
    long SizeBytes, long SentBeforeKill, long OnDiskAfterKill, long HeldAfterRestart, RenditionState StateAfterResume, TimeSpan ResumeTime)
{
    public bool HeldWithinDisk => HeldAfterRestart <= OnDiskAfterKill;
}

/// <summary>
/// Uploads through the gateway, kills the exchange (SIGKILL) once the client has sent about 40 % of the
/// file, reads the object's length on disk, restarts the exchange, asks what it holds, and resumes.
/// </summary>
public static class KillRun
{
    public static async Task<KillOutcome> RunAsync(MediaBenchStack media, string path, int sizeMiB, string sha256)
    {
        using var client = media.ThroughGateway();
        var rendition = await TransferRunner.DeclareAsync(client, sizeMiB, sha256, media.OfferId);
        var size = rendition.SizeBytes;
        long sent = 0;
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new ProgressProbe<TransferProgress>(p =>
        {
            if (p.Phase == TransferPhase.Transferring)
            {
                Interlocked.Exchange(ref sent, p.BytesDone);
                if (p.BytesDone >= size * 2 / 5)
                {
                    reached.TrySetResult();
                }
            }
        });

        using var stop = new CancellationTokenSource();
        var upload = new RenditionUploader(client).ResumeAsync(rendition.Id, path, progress, stop.Token);
        await Task.WhenAny(reached.Task, upload);
        if (upload.IsCompleted)
        {
            throw new InvalidOperationException("the upload finished before the kill");
        }

        // SIGKILL, as a crash would; the client stops too, so what the restarted service reports is not raced by a resume.
        await media.Stack.Processes["exchange"].DisposeAsync();
        var sentBeforeKill = Interlocked.Read(ref sent);
        await stop.CancelAsync();
        try
        {
            await upload;
        }
        catch (Exception e) when (e is OperationCanceledException or MediaMesh.Client.MediaMeshException or Grpc.Core.RpcException)
        {
            // Expected: the attempt was cut.
        }

        var onDisk = File.Exists(media.ObjectPathOf(rendition.Id)) ? new FileInfo(media.ObjectPathOf(rendition.Id)).Length : 0;
        await media.Stack.StartProcessAsync("exchange");
        var held = await HeldAsync(client, rendition.Id);
        var clock = Stopwatch.StartNew();
        var done = await ResumeAfterLeaseAsync(client, rendition.Id, path);
        clock.Stop();
        Console.WriteLine($"  kill -9 at {sentBeforeKill} sent: {onDisk} on disk, {held} held after restart, resumed to {done.State} in {clock.Elapsed.TotalSeconds:F1} s");
        await client.Media.DeleteRenditionAsync(new DeleteRenditionRequest { Id = rendition.Id });
        return new KillOutcome(size, sentBeforeKill, onDisk, held, done.State, clock.Elapsed);
    }

    /// <summary>The killed upload's lease stays in the database until it runs out; the resume is refused (UPLOAD_IN_PROGRESS) until then.</summary>
    private static async Task<Rendition> ResumeAfterLeaseAsync(MediaMesh.Client.MediaMeshClient client, string renditionId, string path)
    {
        while (true)
        {
            try
            {
                return await new RenditionUploader(client).ResumeAsync(renditionId, path);
            }
            catch (MediaMesh.Client.MediaMeshException e) when (e.StatusCode == Grpc.Core.StatusCode.FailedPrecondition
                && e.PreconditionViolations.Any(v => v.Type == "UPLOAD_IN_PROGRESS"))
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task<long> HeldAsync(MediaMesh.Client.MediaMeshClient client, string renditionId)
    {
        // The gateway may still see the old connection as broken for a moment after the restart.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await client.Media.GetRenditionAsync(new GetRenditionRequest { Id = renditionId })).Rendition.ReceivedBytes;
            }
            catch (MediaMesh.Client.MediaMeshException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
