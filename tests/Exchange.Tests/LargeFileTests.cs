using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// A 200 MiB rendition generated on the fly (never held in memory) goes through the real gRPC service:
/// the upload breaks at 40 %, resumes from the offset the server holds, is verified, and a licensee
/// downloads it; the hashes match and the process's memory stays bounded throughout. Client and service
/// share this process, so the live heap (sampled after a full collection every few MiB) covers both: the
/// service may hold a chunk or a few, never a sizeable part of the file.
/// </summary>
[Collection("exchange")]
public sealed class LargeFileTests(ExchangeFixture f, ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private const long Size = (200L * MiB) + 4321;
    private const long InterruptAfter = 80L * MiB;
    private const long SampleEvery = 8L * MiB;

    // Far below the 120 MiB sent after the resume and the 200 MiB downloaded: a copy of any large part
    // of the file, on the way in or out, breaks them. A few 1 MiB chunks in flight (request pipe, parsed
    // message, store buffer), pooled buffers and the hosts' caches stay inside (measured: 16 MiB live,
    // 35 MiB working set).
    private const long LiveHeapGrowthLimit = 32L * MiB;
    private const long WorkingSetGrowthLimit = 96L * MiB;

    private readonly DeterministicContent content = new(Size, seed: 0xE8C4A4E);
    private long baselineHeap;
    private long peakHeap;
    private long baselineWorkingSet;
    private long peakWorkingSet;
    private long unsampledBytes;
    private int samples;

    [Fact]
    public async Task A_200_MiB_upload_survives_an_interruption_and_downloads_identically_with_bounded_memory()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sha = content.Sha256Hex();
        var draft = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest
        {
            Offer = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto)),
        })).Offer;
        var media = f.Exchange.Media(f.Kenya);
        var rendition = (await media.CreateRenditionAsync(new V1.CreateRenditionRequest
        {
            Rendition = new V1.Rendition { OfferId = draft.Id, Kind = V1.RenditionKind.BroadcastMaster, FileName = "master.mxf", MimeType = "application/mxf", SizeBytes = Size, Sha256 = sha },
        })).Rendition;
        baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        peakHeap = baselineHeap;
        baselineWorkingSet = Environment.WorkingSet;
        peakWorkingSet = baselineWorkingSet;

        using (var broken = new CancellationTokenSource())
        {
            var call = media.UploadRendition(cancellationToken: broken.Token);
            var cut = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await SendAsync(call, rendition.Id, 0, stopAfter: InterruptAfter);
                await broken.CancelAsync();
                await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Data = ByteString.CopyFrom(new byte[1]) });
                await call;
            });
            Assert.Equal(StatusCode.Cancelled, cut.StatusCode);
            call.Dispose();
        }

        var held = await RenditionProgress.SettledHeldBytesAsync(media, rendition.Id);
        output.WriteLine($"interrupted with {held} bytes held: {clock.ElapsedMilliseconds} ms");
        Assert.InRange(held, MiB, InterruptAfter);
        Assert.Equal(0, held % MiB);

        using (var resumed = media.UploadRendition())
        {
            await SendAsync(resumed, rendition.Id, held, stopAfter: null);
            await resumed.RequestStream.CompleteAsync();
            var complete = (await resumed).Rendition;
            Assert.Equal(V1.RenditionState.Complete, complete.State);
            Assert.Equal(Size, complete.ReceivedBytes);
        }

        output.WriteLine($"resumed and verified: {clock.ElapsedMilliseconds} ms");
        var published = (await f.Exchange.Offers(f.Kenya).PublishOfferAsync(new V1.PublishOfferRequest { Id = draft.Id })).Offer;
        await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["GH"]));
        Assert.Equal(sha, await DownloadShaAsync(f.Exchange.Media(f.Ghana), rendition.Id));
        output.WriteLine($"downloaded by the licensee: {clock.ElapsedMilliseconds} ms");

        var retained = GC.GetTotalMemory(forceFullCollection: true) - baselineHeap;
        output.WriteLine($"{samples} samples: live heap growth peak {(peakHeap - baselineHeap) / 1024} KiB, working set growth peak {(peakWorkingSet - baselineWorkingSet) / 1024} KiB, retained heap growth {retained / 1024} KiB");
        Assert.True(samples >= Size / SampleEvery, $"only {samples} memory samples");
        Assert.InRange(peakHeap - baselineHeap, long.MinValue, LiveHeapGrowthLimit);
        Assert.InRange(retained, long.MinValue, LiveHeapGrowthLimit);
        Assert.InRange(peakWorkingSet - baselineWorkingSet, long.MinValue, WorkingSetGrowthLimit);
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
            Sample(chunk.Length);
        }
    }

    private async Task<string> DownloadShaAsync(V1.MediaService.MediaServiceClient media, string id)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var call = media.DownloadRendition(new V1.DownloadRenditionRequest { Id = id, ChunkSize = MiB });
        long expected = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var chunk = call.ResponseStream.Current;
            Assert.Equal(expected, chunk.Offset);
            sha.AppendData(chunk.Data.Span);
            expected += chunk.Data.Length;
            Sample(chunk.Data.Length);
        }

        Assert.Equal(Size, expected);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// Every <see cref="SampleEvery"/> bytes moved: the live heap after a full collection (garbage chunks
    /// do not count, anything still referenced does) and the working set.
    /// </summary>
    private void Sample(int bytes)
    {
        unsampledBytes += bytes;
        if (unsampledBytes < SampleEvery)
        {
            return;
        }

        unsampledBytes = 0;
        samples++;
        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: true));
        peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
    }
}
