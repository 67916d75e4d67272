using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// A 64 MiB rendition, generated on the fly and never held whole, goes up and down through the
/// gateway's streaming routes. The first upload attempt alone carries more than Kestrel's default
/// 30 MB request-body limit before it is interrupted, so a limit left in place would cut it.
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class LargeMediaThroughGatewayTests(Mesh mesh, ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private const long Size = (64L * MiB) + 12_345;
    private const long KestrelDefaultBodyLimit = 30_000_000;
    private const long HeldBeforeInterruption = 32L * MiB;
    private const long SentBeforeInterruption = 40L * MiB;

    private readonly DeterministicContent content = new(Size, seed: 0x6A7E3A1);

    [Fact]
    public async Task A_64_MiB_upload_is_interrupted_resumed_verified_and_downloaded_by_a_licensee_from_any_offset()
    {
        var clock = Stopwatch.StartNew();
        var ownerMember = await mesh.CreateMemberAsync("Kenya Broadcasting Corporation (media)", "KE");
        var owner = new ExchangeClients(mesh.Gateway, ownerMember);
        var licensee = new ExchangeClients(mesh.Gateway, await mesh.CreateMemberAsync("Empresa Brasil de Comunicação (media)", "BR"));
        var draft = await owner.CreateDraftAsync(ExchangeClients.UniqueSubject());
        var rendition = (await owner.Media.CreateRenditionAsync(new V1.CreateRenditionRequest
        {
            Rendition = new V1.Rendition
            {
                OfferId = draft.Id, Kind = V1.RenditionKind.BroadcastMaster, FileName = "master.mxf", MimeType = "application/mxf",
                SizeBytes = Size, Sha256 = content.Sha256Hex(),
            },
        })).Rendition;

        // First attempt: 40 MiB sent; once the exchange holds more than Kestrel's default body limit, the client gives up.
        using (var interruption = new CancellationTokenSource())
        {
            using var call = owner.Media.UploadRendition(cancellationToken: interruption.Token);
            await SendAsync(call, rendition.Id, 0, SentBeforeInterruption);
            await WaitUntilHeldAsync(owner.Media, rendition.Id, HeldBeforeInterruption);
            await interruption.CancelAsync();
            var cut = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.Equal(StatusCode.Cancelled, cut.StatusCode);
        }

        var held = await RenditionProgress.SettledHeldBytesAsync(owner.Media, rendition.Id);
        output.WriteLine($"interrupted with {held} bytes held: {clock.ElapsedMilliseconds} ms");
        Assert.InRange(held, Math.Max(HeldBeforeInterruption, KestrelDefaultBodyLimit), SentBeforeInterruption);
        var interrupted = (await owner.Media.GetRenditionAsync(new V1.GetRenditionRequest { Id = rendition.Id })).Rendition;
        Assert.Equal(V1.RenditionState.Uploading, interrupted.State);
        Assert.Equal(held, interrupted.ReceivedBytes);

        using (var resumed = owner.Media.UploadRendition())
        {
            await SendAsync(resumed, rendition.Id, held, stopAfter: null);
            await resumed.RequestStream.CompleteAsync();
            var complete = (await resumed).Rendition;
            Assert.Equal(V1.RenditionState.Complete, complete.State);
            Assert.Equal(Size, complete.ReceivedBytes);
        }

        var stored = (await owner.Media.GetRenditionAsync(new V1.GetRenditionRequest { Id = rendition.Id })).Rendition;
        Assert.Equal(V1.RenditionState.Complete, stored.State);
        Assert.NotNull(stored.CompleteTime);
        output.WriteLine($"resumed and verified: {clock.ElapsedMilliseconds} ms");

        var published = (await owner.Offers.PublishOfferAsync(new V1.PublishOfferRequest { Id = draft.Id })).Offer;
        // Before a licence the licensee may not download.
        using (var early = licensee.Media.DownloadRendition(new V1.DownloadRenditionRequest { Id = rendition.Id }))
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => early.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        }

        var request = await licensee.RequestLicenceAsync(published.Id, "BR");
        Assert.Equal(V1.ContentRequestState.Pending, request.State);
        var approved = await owner.Licensing.ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = request.Id, Etag = request.Etag });
        Assert.Equal(V1.ContentRequestState.Approved, approved.Request.State);

        Assert.Equal(content.Sha256Hex(0), await DownloadShaAsync(licensee.Media, rendition.Id, 0));
        const long middle = (Size / 2) + 777;
        Assert.Equal(content.Sha256Hex(middle), await DownloadShaAsync(licensee.Media, rendition.Id, middle));
        output.WriteLine($"downloaded twice by the licensee: {clock.ElapsedMilliseconds} ms");
    }

    private async Task SendAsync(AsyncClientStreamingCall<V1.UploadRenditionRequest, V1.UploadRenditionResponse> call, string id, long offset, long? stopAfter)
    {
        await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Target = new V1.UploadTarget { RenditionId = id, Offset = offset } });
        long sent = 0;
        await foreach (var chunk in content.Chunks(offset, MiB))
        {
            if (sent >= stopAfter)
            {
                return;
            }

            await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Data = ByteString.CopyFrom(chunk.Span) });
            sent += chunk.Length;
        }
    }

    /// <summary>Waits (bounded) until the exchange reports at least <paramref name="bytes"/> held for the upload in progress.</summary>
    private static async Task WaitUntilHeldAsync(V1.MediaService.MediaServiceClient media, string id, long bytes)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        long held;
        while ((held = (await media.GetRenditionAsync(new V1.GetRenditionRequest { Id = id })).Rendition.ReceivedBytes) < bytes)
        {
            Assert.True(DateTime.UtcNow < until, $"only {held} bytes arrived");
            await Task.Delay(100);
        }
    }

    private static async Task<string> DownloadShaAsync(V1.MediaService.MediaServiceClient media, string id, long offset)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var call = media.DownloadRendition(new V1.DownloadRenditionRequest { Id = id, Offset = offset, ChunkSize = MiB });
        var expected = offset;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var chunk = call.ResponseStream.Current;
            Assert.Equal(expected, chunk.Offset);
            sha.AppendData(chunk.Data.Span);
            expected += chunk.Data.Length;
        }

        Assert.Equal(Size, expected);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
