using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>Embargo, expiry, licence periods and "available now" end to end, on the fixture's controllable clock.</summary>
[Collection("exchange")]
public sealed class TimeTests(ExchangeFixture f)
{
    private static readonly byte[] Bytes = RandomNumberGenerator.GetBytes(100_000);

    private ExchangeHost Host => f.ClockedExchange;

    private DateTime Now => f.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task Usage_is_refused_before_the_grant_under_embargo_and_after_the_current_expiry_and_licences_are_not_backdated()
    {
        var offer = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto));
        offer.EmbargoEndTime = Timestamp.FromDateTime(Now.AddHours(6));
        offer.ExpireTime = Timestamp.FromDateTime(Now.AddDays(10));
        var published = await ExchangeFixture.PublishAsync(Host, f.Kenya, offer);
        var licensing = Host.Licensing(f.India);

        var backdated = await GrpcAssert.Refused(StatusCode.FailedPrecondition,
            () => licensing.RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["IN"], start: Now.AddDays(-400), end: Now.AddDays(5))));
        Assert.Contains("before it is requested", backdated.Status.Detail, StringComparison.Ordinal);
        var licence = (await licensing.RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["IN"], start: Now.AddHours(-2), end: Now.AddDays(10)))).Licence;

        var usage = Host.Usage(f.India);
        V1.ReportUsageRequest Aired(DateTime when) => new()
        {
            LicenceId = licence.Id, Use = V1.UsageKind.Broadcast, CountryCode = "IN", UseTime = Timestamp.FromDateTime(when), Channel = "DD News",
        };
        var early = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => usage.ReportUsageAsync(Aired(Now.AddHours(-1))));
        Assert.Contains("before the licence was granted", early.Status.Detail, StringComparison.Ordinal);
        var embargoed = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => usage.ReportUsageAsync(Aired(Now)));
        Assert.Contains("embargo", embargoed.Status.Detail, StringComparison.Ordinal);

        f.Clock.Advance(TimeSpan.FromHours(7));
        Assert.NotNull((await usage.ReportUsageAsync(Aired(Now))).Report);

        // The owner brings the expiry forward: uses after it are refused, though the licence period runs on.
        var correction = published.Clone();
        correction.ExpireTime = Timestamp.FromDateTime(Now.AddDays(1));
        await Host.Offers(f.Kenya).CorrectOfferAsync(new V1.CorrectOfferRequest
        {
            Offer = correction, UpdateMask = FieldMask.FromString("expire_time"), CorrectionNote = "rights end sooner",
        });
        f.Clock.Advance(TimeSpan.FromDays(2));
        var expired = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => usage.ReportUsageAsync(Aired(Now.AddMinutes(-1))));
        Assert.Contains("expired", expired.Status.Detail, StringComparison.Ordinal);
        Assert.Single((await usage.ListUsageReportsAsync(new V1.ListUsageReportsRequest { LicenceId = licence.Id })).Reports);
    }

    [Fact]
    public async Task Download_is_refused_until_the_embargo_ends()
    {
        var offer = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto));
        offer.EmbargoEndTime = Timestamp.FromDateTime(Now.AddHours(6));
        var (published, rendition) = await PublishWithRenditionAsync(offer);
        Assert.NotNull((await Host.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["IN"], start: Now.AddHours(-1)))).Licence);

        var refused = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => DownloadAsync(f.India, rendition.Id));
        Assert.Contains("embargo", refused.Status.Detail, StringComparison.Ordinal);
        f.Clock.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(1));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => DownloadAsync(f.India, rendition.Id));

        f.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Bytes, await DownloadAsync(f.India, rendition.Id));
    }

    [Fact]
    public async Task Nothing_is_downloaded_or_licensed_after_the_offer_expires()
    {
        var offer = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto));
        offer.ExpireTime = Timestamp.FromDateTime(Now.AddDays(2));
        var (published, rendition) = await PublishWithRenditionAsync(offer);
        Assert.NotNull((await Host.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["IN"], start: Now, end: Now.AddDays(2)))).Licence);
        Assert.Equal(Bytes, await DownloadAsync(f.India, rendition.Id));

        f.Clock.Advance(TimeSpan.FromDays(2));

        var refused = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => DownloadAsync(f.India, rendition.Id));
        Assert.Contains("expired", refused.Status.Detail, StringComparison.Ordinal);
        var late = await GrpcAssert.Refused(StatusCode.FailedPrecondition,
            () => Host.Licensing(f.Brazil).RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["BR"], start: Now, end: Now.AddDays(1))));
        Assert.Contains("expired", late.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Bytes, await DownloadAsync(f.Kenya, rendition.Id));
    }

    [Fact]
    public async Task A_licence_allows_downloads_only_within_its_period()
    {
        var (published, rendition) = await PublishWithRenditionAsync(ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto)));
        var licence = (await Host.Licensing(f.Brazil).RequestLicenceAsync(ExchangeFixture.Ask(published.Id, ["BR"], start: Now.AddDays(1), end: Now.AddDays(2)))).Licence;
        Assert.Equal(V1.LicenceState.Active, licence.State);

        var early = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => DownloadAsync(f.Brazil, rendition.Id));
        Assert.Contains("in force", early.Status.Detail, StringComparison.Ordinal);

        f.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(Bytes, await DownloadAsync(f.Brazil, rendition.Id));

        f.Clock.Advance(TimeSpan.FromDays(1));
        var ended = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => DownloadAsync(f.Brazil, rendition.Id));
        Assert.Contains("in force", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Available_in_territory_follows_the_embargo_the_expiry_and_exclusive_licences_as_time_passes()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var timed = ExchangeFixture.NewOffer(subject, ExchangeFixture.Rights(V1.ApprovalMode.Auto));
        timed.EmbargoEndTime = Timestamp.FromDateTime(Now.AddHours(1));
        timed.ExpireTime = Timestamp.FromDateTime(Now.AddDays(3));
        var embargoed = await ExchangeFixture.PublishAsync(Host, f.Kenya, timed);
        var exclusive = await ExchangeFixture.PublishAsync(Host, f.Kenya, ExchangeFixture.NewOffer(subject, ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true)));
        Assert.NotNull((await Host.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(exclusive.Id, ["GH"], start: Now, end: Now.AddDays(1)))).Licence);

        Assert.Empty(await AvailableAsync(f.India, subject, "GH"));

        f.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal([embargoed.Id], await AvailableAsync(f.India, subject, "GH"));

        f.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal([exclusive.Id, embargoed.Id], await AvailableAsync(f.India, subject, "GH"));

        f.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal([exclusive.Id], await AvailableAsync(f.India, subject, "GH"));
    }

    private async Task<string[]> AvailableAsync(string caller, string subject, string country)
    {
        var found = await Host.Catalogue(caller).SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, AvailableInTerritory = country });
        return found.Offers.Select(o => o.Id).ToArray();
    }

    private Task<byte[]> DownloadAsync(string caller, string renditionId) => MediaTests.DownloadAsync(Host.Media(caller), renditionId);

    /// <summary>A published offer of Kenya with one complete rendition.</summary>
    private async Task<(V1.Offer Offer, V1.Rendition Rendition)> PublishWithRenditionAsync(V1.Offer offer)
    {
        var draft = (await Host.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer })).Offer;
        var media = Host.Media(f.Kenya);
        var rendition = (await media.CreateRenditionAsync(new V1.CreateRenditionRequest
        {
            Rendition = new V1.Rendition
            {
                OfferId = draft.Id,
                Kind = V1.RenditionKind.Proxy,
                FileName = "proxy.mp4",
                MimeType = "video/mp4",
                SizeBytes = Bytes.Length,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(Bytes)),
            },
        })).Rendition;
        var uploaded = await MediaTests.UploadAsync(media, rendition.Id, 0, Bytes);
        Assert.Equal(V1.RenditionState.Complete, uploaded.State);
        var published = (await Host.Offers(f.Kenya).PublishOfferAsync(new V1.PublishOfferRequest { Id = draft.Id })).Offer;
        return (published, rendition);
    }
}
