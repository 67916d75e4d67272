using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using MediaMesh.Bench.Support;
using MediaMesh.Client;
using MediaMesh.Client.Transfers;
using MediaMesh.Faults.Kills;
using ExV1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Faults.DiskFull;

/// <summary>
/// Issue 12, part 6: the exchange's media root on a 16 MiB tmpfs that fills up. A small control rendition is
/// uploaded first; a filler file then takes all but a few MiB, and an 8 MiB upload (one attempt, no client
/// retries) must be refused RESOURCE_EXHAUSTED with a clear message that names no path, holding exactly the
/// bytes that are on disk. Once the filler is gone the SDK's uploader resumes it to COMPLETE with the right
/// SHA-256, it downloads intact, and so does the control rendition.
/// </summary>
public sealed partial class DiskFullPart : FaultPart
{
    /// <summary>This part's ports: the suite on 7400+ (gateway web 7440).</summary>
    private const int BasePort = 7400;

    private const int VolumeMiB = 16;
    private const int Chunk = 1024 * 1024;

    public override string Name => "disk-full";

    public override string Title => "Disk full on the media volume";

    public override async Task RunAsync(FaultRun run, PartReport report, CancellationToken ct)
    {
        var random = run.RandomFor(Name);
        var freeLeft = run.Size(3, 3) * 1024L * 1024;
        var uploadBytes = (8 * 1024 * 1024) + random.Next(4096);
        var controlBytes = (1024 * 1024) + random.Next(4096);
        using var volume = MediaVolume.Mount(VolumeMiB);
        var mediaRoot = Path.Combine(volume.MountPoint, "media");
        var folder = Directory.CreateTempSubdirectory("mediamesh-diskfull-files-").FullName;
        try
        {
            run.Log(Name, $"starting the suite (SQLite) on ports {BasePort}+, media root on a {VolumeMiB} MiB tmpfs at {volume.MountPoint}");
            await using var stack = await BenchStack.StartAsync(new BenchStackOptions
            {
                BasePort = BasePort,
                DatabasePrefix = "diskfull",
                ProcessEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
                {
                    ["gateway"] = new Dictionary<string, string> { ["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{BasePort + 40}" },
                    ["exchange"] = new Dictionary<string, string> { ["MediaMesh__Media__RootDirectory"] = mediaRoot },
                },
            });
            try
            {
                await FillAndResumeAsync(run, report, stack, volume, mediaRoot, folder, freeLeft, uploadBytes, controlBytes, ct);
            }
            catch
            {
                stack.WriteOutputTo(Console.Error);
                throw;
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task FillAndResumeAsync(FaultRun run, PartReport report, BenchStack stack, MediaVolume volume, string mediaRoot, string folder,
        long freeLeft, int uploadBytes, int controlBytes, CancellationToken ct)
    {
        // One attempt per call: the refusal is seen as the suite gives it (the SDK would retry RESOURCE_EXHAUSTED).
        using var world = await KillWorld.SeedAsync(stack, members: 1, memberAttempts: 1, ct);
        var client = world.Members[0].Client;
        var offer = await KillWorld.Retried(() => client.Offers.CreateOfferAsync(
            new ExV1.CreateOfferRequest { Offer = KillWriters.NewOffer("disk-full uploads", auto: false) }, cancellationToken: ct).ResponseAsync, ct);
        var offerId = offer.Offer.Id;
        var declaration = new RenditionDeclaration(ExV1.RenditionKind.BroadcastMaster, "video/mp4", "disk-full.mp4");

        var controlPath = WriteRandom(folder, "control.bin", controlBytes);
        var control = await new RenditionUploader(client).UploadAsync(offerId, controlPath, declaration, cancellationToken: ct);
        report.Check("the control rendition uploaded before the volume filled up", control.State == ExV1.RenditionState.Complete,
            $"{control.Id}: {control.State}, {control.SizeBytes:N0} bytes");

        var filler = await volume.FillAsync(freeLeft, ct);
        var freeBefore = volume.AvailableBytes;
        run.Log(Name, $"filler of {filler:N0} bytes written, {freeBefore:N0} bytes free");

        var uploadPath = WriteRandom(folder, "upload.bin", uploadBytes);
        var source = await File.ReadAllBytesAsync(uploadPath, ct);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(source));
        var declared = await client.Media.CreateRenditionAsync(new ExV1.CreateRenditionRequest
        {
            Rendition = new ExV1.Rendition
            {
                OfferId = offerId,
                Kind = declaration.Kind,
                FileName = "disk-full.mp4",
                MimeType = declaration.MimeType,
                SizeBytes = source.Length,
                Sha256 = sha256,
            },
        }, cancellationToken: ct);
        var id = declared.Rendition.Id;

        var clock = Stopwatch.StartNew();
        var (status, sent) = await UploadOnceAsync(client, id, source, ct);
        var refusedAfter = clock.Elapsed;
        var held = (await client.Media.GetRenditionAsync(new ExV1.GetRenditionRequest { Id = id }, cancellationToken: ct)).Rendition;
        var file = Path.Combine(mediaRoot, "renditions", id + ".media");
        var onDisk = File.Exists(file) ? await File.ReadAllBytesAsync(file, ct) : [];
        var heldPrefixIntact = held.ReceivedBytes <= onDisk.Length && onDisk.AsSpan(0, (int)held.ReceivedBytes).SequenceEqual(source.AsSpan(0, (int)held.ReceivedBytes));

        // While the volume is full the rest of the exchange still serves: the control rendition downloads.
        var controlWhileFull = await DownloadsIntactAsync(client, control.Id, controlPath, Path.Combine(folder, "control-while-full.bin"), ct);

        volume.RemoveFiller();
        var resumeClock = Stopwatch.StartNew();
        var resumed = await new RenditionUploader(client).ResumeAsync(id, uploadPath, cancellationToken: ct);
        var resumeTook = resumeClock.Elapsed;
        var downloaded = await DownloadsIntactAsync(client, id, uploadPath, Path.Combine(folder, "upload-download.bin"), ct);
        var controlAfter = await DownloadsIntactAsync(client, control.Id, controlPath, Path.Combine(folder, "control-after.bin"), ct);

        report.Did($"Mounted a {VolumeMiB} MiB tmpfs as the exchange's media root (MediaMesh__Media__RootDirectory; SQLite elsewhere), uploaded a "
            + $"{controlBytes:N0}-byte control rendition, filled the volume with a {filler:N0}-byte filler file ({freeBefore:N0} bytes left), started a "
            + $"{source.Length:N0}-byte upload with one attempt and no client retries, then removed the filler and resumed it with the SDK's RenditionUploader.");
        report.Count("upload refused after (bytes sent by the client)", $"{refusedAfter.TotalSeconds:0.0} s ({sent:N0} bytes)");
        report.Count("held after the refusal / in the file on disk", $"{held.ReceivedBytes:N0} / {onDisk.Length:N0} bytes");
        report.Count("resume to COMPLETE took", $"{resumeTook.TotalSeconds:0.0} s");

        var message = status?.Detail ?? string.Empty;
        report.Check("the upload on the full volume was refused RESOURCE_EXHAUSTED", status?.StatusCode == StatusCode.ResourceExhausted,
            status is null ? "the upload was not refused" : $"{status.Value.StatusCode}: {message}");
        report.Check("the refusal's message is clear (says the storage is full) and names no file or path",
            message.Length > 0 && (message.Contains("no space left", StringComparison.OrdinalIgnoreCase) || message.Contains("full", StringComparison.OrdinalIgnoreCase))
                && !message.Contains(volume.MountPoint, StringComparison.Ordinal) && !PathLike().IsMatch(message),
            $"\"{message}\"");
        report.Check("after the refusal the bytes held equal the bytes on disk, as sent (UPLOADING, whole chunks; the chunk the full volume cut is not in the file)",
            held.State == ExV1.RenditionState.Uploading && held.ReceivedBytes > 0 && held.ReceivedBytes == onDisk.Length && heldPrefixIntact && held.ReceivedBytes % Chunk == 0,
            $"{held.State}, {held.ReceivedBytes:N0} held, {onDisk.Length:N0} in the file, the file's bytes as sent: {heldPrefixIntact}");
        report.Check("while the volume was full the control rendition still downloaded intact", controlWhileFull, $"{control.Id}: SHA-256 matched {controlWhileFull}");
        report.Check("after the filler was removed the upload resumed to COMPLETE with the declared size and SHA-256",
            resumed.State == ExV1.RenditionState.Complete && resumed.SizeBytes == source.Length && string.Equals(resumed.Sha256, sha256, StringComparison.OrdinalIgnoreCase),
            $"{resumed.State}, {resumed.SizeBytes:N0} bytes, SHA-256 {resumed.Sha256}");
        report.Check("the resumed rendition downloads intact (SHA-256 of the downloaded bytes matches the source)", downloaded, $"{id}: {downloaded}");
        report.Check("the control rendition still downloads intact afterwards", controlAfter, $"{control.Id}: {controlAfter}");
        report.Note("The SDK's uploader treats RESOURCE_EXHAUSTED as retryable (the gateway's rate limit); the refusal is checked with one raw "
            + "attempt of UploadRendition so the status is the suite's own. tmpfs allocates on write, so the refusal comes from write(2) "
            + "(ENOSPC) rather than from fsync.");
    }

    /// <summary>One attempt of UploadRendition from offset 0: the status it ended with (null when it succeeded) and the bytes sent.</summary>
    private static async Task<(Status? Status, long Sent)> UploadOnceAsync(MediaMeshClient client, string id, byte[] source, CancellationToken ct)
    {
        using var call = client.Media.UploadRendition(deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);
        long sent = 0;
        try
        {
            await call.RequestStream.WriteAsync(new ExV1.UploadRenditionRequest { Target = new ExV1.UploadTarget { RenditionId = id, Offset = 0 } }, ct);
            for (var at = 0; at < source.Length; at += Chunk)
            {
                await call.RequestStream.WriteAsync(new ExV1.UploadRenditionRequest { Data = ByteString.CopyFrom(source, at, Math.Min(Chunk, source.Length - at)) }, ct);
                sent += Math.Min(Chunk, source.Length - at);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or IOException or InvalidOperationException)
        {
            // The server ended the call early: its status (below) says why.
        }

        try
        {
            await call.ResponseAsync;
            return (null, sent);
        }
        catch (RpcException e)
        {
            return (e.Status, sent);
        }
    }

    /// <summary>Downloads with the SDK (which verifies the SHA-256 itself) and compares the bytes with the source file.</summary>
    private static async Task<bool> DownloadsIntactAsync(MediaMeshClient client, string id, string sourcePath, string path, CancellationToken ct)
    {
        try
        {
            await new RenditionDownloader(client).DownloadAsync(id, path, cancellationToken: ct);
            var got = SHA256.HashData(await File.ReadAllBytesAsync(path, ct));
            var want = SHA256.HashData(await File.ReadAllBytesAsync(sourcePath, ct));
            return got.SequenceEqual(want);
        }
        catch (RpcException)
        {
            return false;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string WriteRandom(string folder, string name, int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Something that looks like a file path: a slash followed by a name, or a Windows drive.</summary>
    [GeneratedRegex(@"(/[\w.-]+)|([A-Za-z]:\\)")]
    private static partial Regex PathLike();
}
