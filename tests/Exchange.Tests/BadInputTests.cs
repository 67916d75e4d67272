using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using MediaMesh.Common.Paging;
using MediaMesh.Exchange.Application;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>Values a well-formed message can carry but the service cannot take: each is INVALID_ARGUMENT naming its field.</summary>
[Collection("exchange")]
public sealed class BadInputTests(ExchangeFixture f)
{
    private static readonly Timestamp AfterYear9999 = new() { Seconds = 253_402_300_800 };
    private static readonly Timestamp BeforeYear1 = new() { Seconds = -62_135_596_801 };
    private static readonly Timestamp NegativeNanos = new() { Seconds = 1_700_000_000, Nanos = -1 };

    [Fact]
    public async Task Out_of_range_timestamps_and_durations_in_an_offer_are_named()
    {
        var offer = ExchangeFixture.NewOffer();
        offer.FirstCreateTime = NegativeNanos;
        offer.EmbargoEndTime = new Timestamp { Seconds = long.MaxValue };
        offer.ExpireTime = BeforeYear1;
        offer.Duration = new Duration { Seconds = 5, Nanos = -1 };
        offer.Rights.LicenceWindow = new CommonV1.TimeInterval { StartTime = AfterYear9999 };

        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }),
            "offer.first_create_time", "offer.embargo_end_time", "offer.expire_time", "offer.duration", "offer.rights.licence_window.start_time");

        var huge = ExchangeFixture.NewOffer();
        huge.Duration = new Duration { Seconds = long.MaxValue };
        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = huge }), "offer.duration");

        var draft = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        var change = new V1.Offer { Id = draft.Id, Etag = draft.Etag, ExpireTime = AfterYear9999 };
        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).UpdateOfferAsync(new V1.UpdateOfferRequest { Offer = change, UpdateMask = FieldMask.FromString("expire_time") }),
            "offer.expire_time");
        var stored = (await f.Exchange.Offers(f.Kenya).GetOfferAsync(new V1.GetOfferRequest { Id = draft.Id })).Offer;
        Assert.Equal(draft.Etag, stored.Etag);
        Assert.Null(stored.ExpireTime);
    }

    [Fact]
    public async Task Out_of_range_timestamps_in_requests_reports_and_searches_are_named()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto)));
        var ask = ExchangeFixture.Ask(offer.Id, ["GH"]);
        ask.Period.StartTime = AfterYear9999;
        ask.Period.EndTime = NegativeNanos;
        await GrpcAssert.Invalid(() => f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ask), "period.start_time", "period.end_time");

        var licence = (await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"]))).Licence;
        await GrpcAssert.Invalid(() => f.Exchange.Usage(f.Ghana).ReportUsageAsync(new V1.ReportUsageRequest
        {
            LicenceId = licence.Id, Use = V1.UsageKind.Broadcast, CountryCode = "GH", UseTime = BeforeYear1,
        }), "use_time");
        Assert.Empty((await f.Exchange.Usage(f.Ghana).ListUsageReportsAsync(new V1.ListUsageReportsRequest { LicenceId = licence.Id })).Reports);

        await GrpcAssert.Invalid(() => f.Exchange.Catalogue(f.Ghana).SearchOffersAsync(new V1.SearchOffersRequest
        {
            Created = new CommonV1.TimeInterval { StartTime = new Timestamp { Seconds = long.MinValue } },
        }), "created.start_time");
        await GrpcAssert.Invalid(() => f.Exchange.Usage(f.Ghana).GetExchangeStatisticsAsync(new V1.GetExchangeStatisticsRequest
        {
            Grouping = V1.StatisticsGrouping.Region, Period = new CommonV1.TimeInterval { EndTime = AfterYear9999 },
        }), "period.end_time");
    }

    [Fact]
    public async Task Enum_values_outside_the_contract_are_named()
    {
        var offer = ExchangeFixture.NewOffer();
        offer.Type = (V1.OfferType)99;
        offer.Rights.Approval.Mode = (V1.ApprovalMode)99;
        offer.Rights.PermittedUses.Add((V1.UsageKind)99);
        offer.Descriptions[0].Role = (V1.DescriptionRole)99;
        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }),
            "offer.type", "offer.rights.approval.mode", "offer.rights.permitted_uses", "offer.descriptions[0].role");

        var catalogue = f.Exchange.Catalogue(f.Ghana);
        await GrpcAssert.Invalid(() => catalogue.SearchOffersAsync(new V1.SearchOffersRequest { Types_ = { (V1.OfferType)99 }, OwnerRegion = (CommonV1.Region)99 }),
            "types", "owner_region");
        await GrpcAssert.Invalid(() => f.Exchange.Licensing(f.Ghana).ListLicencesAsync(new V1.ListLicencesRequest { Direction = (V1.Direction)99, State = (V1.LicenceState)99 }),
            "direction", "state");
        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Ghana).ListOffersAsync(new V1.ListOffersRequest { State = (V1.OfferState)99 }), "state");
        await GrpcAssert.Invalid(() => f.Exchange.Usage(f.Ghana).GetExchangeStatisticsAsync(new V1.GetExchangeStatisticsRequest { Grouping = (V1.StatisticsGrouping)99 }),
            "grouping");
    }

    [Fact]
    public async Task A_forged_search_page_token_is_invalid_not_an_internal_error()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var request = new V1.SearchOffersRequest { Subject = subject };
        // The token's fingerprint covers the filters only, so a client can build one with any sort key.
        var fingerprint = new CatalogueQuery([], [], null, subject, null, null, null, null, null, null, null, null, false).Fingerprint;
        foreach (var sortKey in new[] { long.MaxValue.ToString(CultureInfo.InvariantCulture), "-5", "not-a-time", string.Empty })
        {
            request.PageToken = new PageCursor(sortKey, "off_x").Encode(fingerprint);
            await GrpcAssert.Invalid(() => f.Exchange.Catalogue(f.Ghana).SearchOffersAsync(request), "page_token");
        }

        request.PageToken = new string('A', 100_000);
        await GrpcAssert.Invalid(() => f.Exchange.Catalogue(f.Ghana).SearchOffersAsync(request), "page_token");
    }

    [Fact]
    public async Task Missing_sub_messages_are_named()
    {
        var offer = ExchangeFixture.NewOffer();
        offer.Rights = null;
        offer.Located = null;
        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }), "offer.rights");
        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).UpdateOfferAsync(new V1.UpdateOfferRequest { UpdateMask = FieldMask.FromString("slugline") }), "offer");
        await GrpcAssert.Invalid(() => f.Exchange.Media(f.Kenya).CreateRenditionAsync(new V1.CreateRenditionRequest()), "rendition");
        var noPeriod = ExchangeFixture.Ask("off_x", ["GH"]);
        noPeriod.Period = null;
        await GrpcAssert.Invalid(() => f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(noPeriod), "period.start_time");
        await GrpcAssert.Invalid(() => f.Exchange.Usage(f.Ghana).ReportUsageAsync(new V1.ReportUsageRequest { LicenceId = "lic_x", Use = V1.UsageKind.Online, CountryCode = "GH" }),
            "use_time");
    }
}
