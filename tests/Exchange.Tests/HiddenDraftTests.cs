using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// What a caller may not see is NOT_FOUND on every exchange RPC that takes its id, reads and writes
/// alike, with the message an id that does not exist gets: a draft (and its versions, renditions and
/// media) for anyone but its owner and coordinators, a request or licence for anyone but its parties.
/// </summary>
[Collection("exchange")]
public sealed class HiddenDraftTests(ExchangeFixture f)
{
    private const string Missing = "zz_missing_0000000000";

    public static TheoryData<string> Rpcs => new(
        "GetOffer", "UpdateOffer", "PublishOffer", "CorrectOffer", "WithdrawOffer", "KillOffer", "ListOfferVersions",
        "CreateRendition", "GetRendition", "UploadRendition", "DownloadRendition", "DeleteRendition",
        "RequestLicence", "ListUsageReports",
        "GetContentRequest", "ApproveContentRequest", "DeclineContentRequest", "CancelContentRequest", "GetLicence", "ReportUsage");

    private sealed record Hidden(string OfferId, string RenditionId, string RequestId, string LicenceId);

    private async Task<Hidden> HiddenAsync()
    {
        var draft = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        var rendition = (await f.Exchange.Media(f.Kenya).CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declaration(draft.Id) })).Rendition;
        // A request and a licence between Kenya and India, on a published offer: hidden from everyone else.
        var published = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Manual)));
        var request = (await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["IN"]))).Request;
        var (_, licence) = await f.LicensedAsync(f.Kenya, f.India, "IN");
        return new Hidden(draft.Id, rendition.Id, request.Id, licence.Id);
    }

    private static V1.Rendition Declaration(string offerId) => new()
    {
        OfferId = offerId, Kind = V1.RenditionKind.Proxy, FileName = "proxy.mp4", MimeType = "video/mp4", SizeBytes = 10, Sha256 = new string('a', 64),
    };

    private Func<Task> Call(string rpc, string id, string caller)
    {
        var offers = f.Exchange.Offers(caller);
        var media = f.Exchange.Media(caller);
        var licensing = f.Exchange.Licensing(caller);
        return rpc switch
        {
            "GetOffer" => async () => await offers.GetOfferAsync(new V1.GetOfferRequest { Id = id }),
            "UpdateOffer" => async () => await offers.UpdateOfferAsync(new V1.UpdateOfferRequest
            {
                Offer = new V1.Offer { Id = id, Slugline = "0421-OTHER" }, UpdateMask = FieldMask.FromString("slugline"),
            }),
            "PublishOffer" => async () => await offers.PublishOfferAsync(new V1.PublishOfferRequest { Id = id }),
            "CorrectOffer" => async () => await offers.CorrectOfferAsync(new V1.CorrectOfferRequest
            {
                Offer = new V1.Offer { Id = id, Slugline = "0421-OTHER" }, UpdateMask = FieldMask.FromString("slugline"), CorrectionNote = "fix",
            }),
            "WithdrawOffer" => async () => await offers.WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = id, Reason = "r" }),
            "KillOffer" => async () => await offers.KillOfferAsync(new V1.KillOfferRequest { Id = id, Reason = "r" }),
            "ListOfferVersions" => async () => await offers.ListOfferVersionsAsync(new V1.ListOfferVersionsRequest { Id = id }),
            "CreateRendition" => async () => await media.CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declaration(id) }),
            "GetRendition" => async () => await media.GetRenditionAsync(new V1.GetRenditionRequest { Id = id }),
            "UploadRendition" => async () =>
            {
                using var call = media.UploadRendition();
                await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Target = new V1.UploadTarget { RenditionId = id } });
                await call.RequestStream.CompleteAsync();
                await call.ResponseAsync;
            },
            "DownloadRendition" => async () =>
            {
                using var call = media.DownloadRendition(new V1.DownloadRenditionRequest { Id = id });
                await call.ResponseStream.MoveNext(CancellationToken.None);
            },
            "DeleteRendition" => async () => await media.DeleteRenditionAsync(new V1.DeleteRenditionRequest { Id = id }),
            "RequestLicence" => async () => await licensing.RequestLicenceAsync(ExchangeFixture.Ask(id, ["GH"])),
            "ListUsageReports" => async () => await f.Exchange.Usage(caller).ListUsageReportsAsync(new V1.ListUsageReportsRequest { OfferId = id }),
            "GetContentRequest" => async () => await licensing.GetContentRequestAsync(new V1.GetContentRequestRequest { Id = id }),
            "ApproveContentRequest" => async () => await licensing.ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = id }),
            "DeclineContentRequest" => async () => await licensing.DeclineContentRequestAsync(new V1.DeclineContentRequestRequest { Id = id, Reason = "no" }),
            "CancelContentRequest" => async () => await licensing.CancelContentRequestAsync(new V1.CancelContentRequestRequest { Id = id }),
            "GetLicence" => async () => await licensing.GetLicenceAsync(new V1.GetLicenceRequest { Id = id }),
            "ReportUsage" => async () => await f.Exchange.Usage(caller).ReportUsageAsync(new V1.ReportUsageRequest
            {
                LicenceId = id, Use = V1.UsageKind.Broadcast, CountryCode = "GH", UseTime = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-1)), Channel = "GTV",
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(rpc), rpc, null),
        };
    }

    private static string IdFor(string rpc, Hidden hidden) => rpc switch
    {
        "GetRendition" or "UploadRendition" or "DownloadRendition" or "DeleteRendition" => hidden.RenditionId,
        "GetContentRequest" or "ApproveContentRequest" or "DeclineContentRequest" or "CancelContentRequest" => hidden.RequestId,
        "GetLicence" or "ReportUsage" => hidden.LicenceId,
        _ => hidden.OfferId,
    };

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task An_outsider_gets_not_found_as_for_an_id_that_does_not_exist(string rpc)
    {
        var hidden = await HiddenAsync();
        var id = IdFor(rpc, hidden);

        var forHidden = await Assert.ThrowsAsync<RpcException>(Call(rpc, id, f.Ghana));
        var forMissing = await Assert.ThrowsAsync<RpcException>(Call(rpc, Missing, f.Ghana));

        Assert.Equal(StatusCode.NotFound, forMissing.StatusCode);
        Assert.Equal(StatusCode.NotFound, forHidden.StatusCode);
        Assert.Equal(forMissing.Status.Detail.Replace(Missing, "<id>", StringComparison.Ordinal), forHidden.Status.Detail.Replace(id, "<id>", StringComparison.Ordinal));
    }
}
