using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

[Collection("exchange")]
public sealed class MediaTests(ExchangeFixture f)
{
    private const int Chunk = 64 * 1024;
    private static readonly byte[] Bytes = RandomNumberGenerator.GetBytes(300_000);
    private static readonly string Sha = Convert.ToHexStringLower(SHA256.HashData(Bytes));

    private static V1.Rendition Declare(string offerId, long size = 300_000, string? sha = null) => new()
    {
        OfferId = offerId,
        Kind = V1.RenditionKind.Proxy,
        FileName = "floods-proxy.mp4",
        MimeType = "video/mp4",
        SizeBytes = size,
        Sha256 = sha ?? Sha,
        VideoCodec = "h264",
        FrameRate = 25,
        Width = 1280,
        Height = 720,
    };

    internal static async Task<V1.Rendition> UploadAsync(V1.MediaService.MediaServiceClient media, string renditionId, long offset, ReadOnlyMemory<byte> data)
    {
        using var call = media.UploadRendition();
        try
        {
            await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Target = new V1.UploadTarget { RenditionId = renditionId, Offset = offset } });
            for (var at = 0; at < data.Length; at += Chunk)
            {
                await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Data = ByteString.CopyFrom(data.Span.Slice(at, Math.Min(Chunk, data.Length - at))) });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException)
        {
            // The server refused the upload before all chunks were sent; its status is in the response.
        }

        return (await call.ResponseAsync).Rendition;
    }

    internal static async Task<byte[]> DownloadAsync(V1.MediaService.MediaServiceClient media, string renditionId, long offset = 0)
    {
        using var call = media.DownloadRendition(new V1.DownloadRenditionRequest { Id = renditionId, Offset = offset, ChunkSize = Chunk });
        using var buffer = new MemoryStream();
        var expected = offset;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            Assert.Equal(expected, call.ResponseStream.Current.Offset);
            call.ResponseStream.Current.Data.WriteTo(buffer);
            expected += call.ResponseStream.Current.Data.Length;
        }

        return buffer.ToArray();
    }

    private async Task<(V1.Offer Offer, V1.Rendition Rendition)> CompleteRenditionAsync(V1.Offer? offer = null)
    {
        var media = f.Exchange.Media(f.Kenya);
        var draft = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer ?? ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto)) })).Offer;
        var rendition = (await media.CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id) })).Rendition;
        await UploadAsync(media, rendition.Id, 0, Bytes);
        var published = (await f.Exchange.Offers(f.Kenya).PublishOfferAsync(new V1.PublishOfferRequest { Id = draft.Id })).Offer;
        return (published, rendition);
    }

    [Fact]
    public async Task An_upload_resumes_from_the_held_offset_and_is_verified()
    {
        var media = f.Exchange.Media(f.Kenya);
        var draft = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        var declared = (await media.CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id) })).Rendition;
        Assert.Equal(V1.RenditionState.Uploading, declared.State);
        Assert.Equal(0, declared.ReceivedBytes);

        var partial = await UploadAsync(media, declared.Id, 0, Bytes.AsMemory(0, 2 * Chunk));
        Assert.Equal(2 * Chunk, partial.ReceivedBytes);
        Assert.Equal(V1.RenditionState.Uploading, partial.State);
        var held = (await media.GetRenditionAsync(new V1.GetRenditionRequest { Id = declared.Id })).Rendition.ReceivedBytes;
        Assert.Equal(2 * Chunk, held);

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => UploadAsync(media, declared.Id, 0, Bytes.AsMemory(0, Chunk)));
        var complete = await UploadAsync(media, declared.Id, held, Bytes.AsMemory((int)held));

        Assert.Equal(V1.RenditionState.Complete, complete.State);
        Assert.Equal(Bytes.Length, complete.ReceivedBytes);
        Assert.NotNull(complete.CompleteTime);
        var offer = (await f.Exchange.Offers(f.Kenya).GetOfferAsync(new V1.GetOfferRequest { Id = draft.Id })).Offer;
        Assert.Equal(declared.Id, Assert.Single(offer.Renditions).Id);
        Assert.Equal(Bytes, await DownloadAsync(media, declared.Id));
        Assert.Equal(Bytes.AsSpan(100_000).ToArray(), await DownloadAsync(media, declared.Id, 100_000));
    }

    [Fact]
    public async Task A_checksum_mismatch_is_data_loss_and_the_rendition_restarts_from_zero()
    {
        var media = f.Exchange.Media(f.Kenya);
        var draft = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        var wrongSha = Convert.ToHexStringLower(SHA256.HashData([1, 2, 3]));
        var rendition = (await media.CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id, sha: wrongSha) })).Rendition;

        await GrpcAssert.Refused(StatusCode.DataLoss, () => UploadAsync(media, rendition.Id, 0, Bytes));

        var failed = (await media.GetRenditionAsync(new V1.GetRenditionRequest { Id = rendition.Id })).Rendition;
        Assert.Equal(V1.RenditionState.Failed, failed.State);
        Assert.Equal(0, failed.ReceivedBytes);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => UploadAsync(media, rendition.Id, 5, Bytes.AsMemory(5)));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, async () => await DownloadAsync(media, rendition.Id));
    }

    [Fact]
    public async Task Download_needs_a_licence_in_force_and_respects_embargo_and_kills()
    {
        var (offer, rendition) = await CompleteRenditionAsync();
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await DownloadAsync(f.Exchange.Media(f.Ghana), rendition.Id));

        await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"]));
        Assert.Equal(Bytes, await DownloadAsync(f.Exchange.Media(f.Ghana), rendition.Id));

        await f.Exchange.Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = offer.Id, Reason = "court order" });
        var killed = await GrpcAssert.Refused(StatusCode.FailedPrecondition, async () => await DownloadAsync(f.Exchange.Media(f.Ghana), rendition.Id));
        Assert.Contains("killed", killed.Status.Detail, StringComparison.Ordinal);
        var licence = (await f.Exchange.Licensing(f.Ghana).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Outgoing, OfferId = offer.Id })).Licences.Single();
        Assert.Equal(V1.LicenceState.Killed, licence.State);
    }

    [Fact]
    public async Task Download_before_the_embargo_ends_is_refused()
    {
        var offer = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto));
        offer.EmbargoEndTime = Timestamp.FromDateTime(DateTime.UtcNow.AddHours(6));
        var (published, rendition) = await CompleteRenditionAsync(offer);
        await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["IN"]));

        var refused = await GrpcAssert.Refused(StatusCode.FailedPrecondition, async () => await DownloadAsync(f.Exchange.Media(f.India), rendition.Id));

        Assert.Contains("embargo", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Bytes, await DownloadAsync(f.Exchange.Media(f.Kenya), rendition.Id));
    }

    [Fact]
    public async Task Renditions_are_managed_by_the_owner_only_and_validated()
    {
        var draft = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        var published = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        var media = f.Exchange.Media(f.Kenya);

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => f.Exchange.Media(f.Ghana).CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(published.Id) }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => f.Exchange.Media(f.Ghana).CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id) }));
        await GrpcAssert.Invalid(() => media.CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id, size: 0, sha: "abc") }),
            "rendition.size_bytes", "rendition.sha256");
        await GrpcAssert.Invalid(() => media.CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = new V1.Rendition { OfferId = draft.Id } }),
            "rendition.kind", "rendition.file_name", "rendition.mime_type");

        var rendition = (await media.CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id) })).Rendition;
        await GrpcAssert.Refused(StatusCode.NotFound, () => UploadAsync(f.Exchange.Media(f.Ghana), rendition.Id, 0, Bytes));
        await GrpcAssert.Refused(StatusCode.NotFound, () => f.Exchange.Media(f.Ghana).DeleteRenditionAsync(new V1.DeleteRenditionRequest { Id = rendition.Id }));
        var onPublished = (await media.CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(published.Id) })).Rendition;
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => UploadAsync(f.Exchange.Media(f.Ghana), onPublished.Id, 0, Bytes));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => f.Exchange.Media(f.Ghana).DeleteRenditionAsync(new V1.DeleteRenditionRequest { Id = onPublished.Id }));
        Assert.Equal(0, (await media.GetRenditionAsync(new V1.GetRenditionRequest { Id = onPublished.Id })).Rendition.ReceivedBytes);
        await media.DeleteRenditionAsync(new V1.DeleteRenditionRequest { Id = rendition.Id });
        await GrpcAssert.Refused(StatusCode.NotFound, () => media.GetRenditionAsync(new V1.GetRenditionRequest { Id = rendition.Id }));

        var (_, complete) = await CompleteRenditionAsync();
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => media.DeleteRenditionAsync(new V1.DeleteRenditionRequest { Id = complete.Id }));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => new V1.MediaService.MediaServiceClient(f.Exchange.Anonymous()).GetRenditionAsync(new V1.GetRenditionRequest { Id = complete.Id }));
    }
}
