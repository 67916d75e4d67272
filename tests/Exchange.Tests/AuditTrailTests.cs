using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>The exchange's audit trail: one entry per change and per download start, read through AuditService.ListAuditEntries.</summary>
[Collection("exchange")]
public sealed class AuditTrailTests(ExchangeFixture f)
{
    private static readonly byte[] Bytes = RandomNumberGenerator.GetBytes(200_000);
    private static readonly string Sha = Convert.ToHexStringLower(SHA256.HashData(Bytes));

    private static readonly ConcurrentDictionary<string, string> Keys = new(StringComparer.Ordinal);

    /// <summary>A real API key of the organisation (made once): a running download re-checks that its key is still usable.</summary>
    private string KeyOf(string organizationId) => Keys.GetOrAdd(organizationId, org => f.Organization.ClientAs(org)
        .CreateApiKey(new OrgV1.CreateApiKeyRequest { OrganizationId = org, DisplayName = "audit trail tests" }).ApiKey.Id);

    // Every call carries the caller's API key id in its token, as the gateway's do.
    private V1.OfferService.OfferServiceClient Offers(string org, string role = CallerRoles.Member) => new(f.Exchange.As(org, role, KeyOf(org)));

    private V1.LicensingService.LicensingServiceClient Licensing(string org) => new(f.Exchange.As(org, CallerRoles.Member, KeyOf(org)));

    private V1.MediaService.MediaServiceClient Media(string org) => new(f.Exchange.As(org, CallerRoles.Member, KeyOf(org)));

    private V1.AuditService.AuditServiceClient Audit(string org, string role = CallerRoles.Member) => new(f.Exchange.As(org, role));

    private V1.AuditService.AuditServiceClient CoordinatorAudit => Audit(OrganizationDependency.CoordinatorId, CallerRoles.Coordinator);

    private static V1.ListAuditEntriesRequest About(string subjectId) => new() { Filter = new CommonV1.AuditFilter { SubjectId = subjectId }, PageSize = 200 };

    private static async Task<List<CommonV1.AuditEntry>> AllAsync(V1.AuditService.AuditServiceClient client, V1.ListAuditEntriesRequest request)
    {
        var entries = new List<CommonV1.AuditEntry>();
        do
        {
            var page = await client.ListAuditEntriesAsync(request);
            entries.AddRange(page.Entries);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return entries;
    }

    private static bool Names(CommonV1.AuditEntry e, CommonV1.AuditSubjectType type, string id) => e.Subjects.Any(s => s.Type == type && s.Id == id);

    private static V1.Rendition Declare(string offerId, string? sha = null) => new()
    {
        OfferId = offerId, Kind = V1.RenditionKind.Proxy, FileName = "proxy.mp4", MimeType = "video/mp4", SizeBytes = Bytes.Length, Sha256 = sha ?? Sha,
    };

    /// <summary>A published offer of Kenya with a complete rendition.</summary>
    private async Task<(V1.Offer Offer, V1.Rendition Rendition)> PublishedWithRenditionAsync(V1.ApprovalMode mode = V1.ApprovalMode.Manual)
    {
        var draft = (await Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(mode)) })).Offer;
        var rendition = (await Media(f.Kenya).CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id) })).Rendition;
        await MediaTests.UploadAsync(Media(f.Kenya), rendition.Id, 0, Bytes);
        var published = (await Offers(f.Kenya).PublishOfferAsync(new V1.PublishOfferRequest { Id = draft.Id })).Offer;
        return (published, rendition);
    }

    [Fact]
    public async Task Every_offer_request_licence_and_download_change_writes_exactly_one_entry()
    {
        var draft = (await Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        var change = draft.Clone();
        change.Slugline = "0422-FLOODS-KENYA/rescue";
        await Offers(f.Kenya).UpdateOfferAsync(new V1.UpdateOfferRequest { Offer = change, UpdateMask = FieldMask.FromString("slugline") });
        var rendition = (await Media(f.Kenya).CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id) })).Rendition;
        await MediaTests.UploadAsync(Media(f.Kenya), rendition.Id, 0, Bytes);
        var published = (await Offers(f.Kenya).PublishOfferAsync(new V1.PublishOfferRequest { Id = draft.Id })).Offer;
        var fix = published.Clone();
        fix.Headlines[0].Text = "Floods in the Rift Valley: toll revised";
        await Offers(f.Kenya).CorrectOfferAsync(new V1.CorrectOfferRequest { Offer = fix, UpdateMask = FieldMask.FromString("headlines"), CorrectionNote = "toll revised" });

        var ghana = (await Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(draft.Id, ["GH"]))).Request;
        var licence = (await Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = ghana.Id })).Licence;
        var india = (await Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(draft.Id, ["IN"]))).Request;
        await Licensing(f.Kenya).DeclineContentRequestAsync(new V1.DeclineContentRequestRequest { Id = india.Id, Reason = "competitor" });
        var egypt = (await Licensing(f.Egypt).RequestLicenceAsync(ExchangeFixture.Ask(draft.Id, ["EG"]))).Request;
        await Licensing(f.Egypt).CancelContentRequestAsync(new V1.CancelContentRequestRequest { Id = egypt.Id });
        var brazil = (await Licensing(f.Brazil).RequestLicenceAsync(ExchangeFixture.Ask(draft.Id, ["BR"]))).Request;
        Assert.Equal(Bytes.AsSpan(100_000).ToArray(), await MediaTests.DownloadAsync(Media(f.Ghana), rendition.Id, 100_000));
        await Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = draft.Id, Reason = "legal" });

        var entries = await AllAsync(CoordinatorAudit, About(draft.Id));

        Assert.Equal(
        [
            "offer.created", "offer.updated", "rendition.created", "rendition.completed", "offer.published", "offer.corrected",
            "request.created", "request.approved", "request.created", "request.declined", "request.created", "request.cancelled",
            "request.created", "rendition.downloaded", "offer.killed",
        ], entries.Select(e => e.Action));
        Assert.Equal(
            [f.Kenya, f.Kenya, f.Kenya, f.Kenya, f.Kenya, f.Kenya, f.Ghana, f.Kenya, f.India, f.Kenya, f.Egypt, f.Egypt, f.Brazil, f.Ghana, f.Kenya],
            entries.Select(e => e.ActorOrganizationId));
        Assert.All(entries, e => Assert.Equal(KeyOf(e.ActorOrganizationId), e.ActorApiKeyId));
        Assert.All(entries, e => Assert.True(Names(e, CommonV1.AuditSubjectType.Organization, f.Kenya), e.Action));

        var publishedEntry = entries[4];
        Assert.True(Names(publishedEntry, CommonV1.AuditSubjectType.OfferVersion, $"{draft.Id}@1"));
        Assert.True(Names(entries[5], CommonV1.AuditSubjectType.OfferVersion, $"{draft.Id}@2"));
        Assert.Contains("toll revised", entries[5].Details, StringComparison.Ordinal);

        var approval = entries[7];
        Assert.True(Names(approval, CommonV1.AuditSubjectType.ContentRequest, ghana.Id));
        Assert.True(Names(approval, CommonV1.AuditSubjectType.Licence, licence.Id));
        Assert.True(Names(approval, CommonV1.AuditSubjectType.Organization, f.Ghana));

        var download = entries[13];
        Assert.Equal(
            new[]
            {
                (CommonV1.AuditSubjectType.Organization, f.Kenya), (CommonV1.AuditSubjectType.Offer, draft.Id),
                (CommonV1.AuditSubjectType.OfferVersion, $"{draft.Id}@2"), (CommonV1.AuditSubjectType.Rendition, rendition.Id),
            },
            download.Subjects.Select(s => (s.Type, s.Id)));
        Assert.Contains("from byte 100000", download.Details, StringComparison.Ordinal);
        Assert.Equal(KeyOf(f.Ghana), download.ActorApiKeyId);

        var kill = entries[14];
        Assert.True(Names(kill, CommonV1.AuditSubjectType.Licence, licence.Id));
        Assert.True(Names(kill, CommonV1.AuditSubjectType.Organization, f.Ghana));
        Assert.True(Names(kill, CommonV1.AuditSubjectType.ContentRequest, brazil.Id));
        Assert.True(Names(kill, CommonV1.AuditSubjectType.Organization, f.Brazil));
        Assert.Contains("legal", kill.Details, StringComparison.Ordinal);

        // A licence's history: its grant and its end.
        Assert.Equal(["request.approved", "offer.killed"], (await AllAsync(CoordinatorAudit, About(licence.Id))).Select(e => e.Action));
        Assert.Equal(["rendition.created", "rendition.completed", "rendition.downloaded"], (await AllAsync(CoordinatorAudit, About(rendition.Id))).Select(e => e.Action));
    }

    [Fact]
    public async Task Auto_approval_withdrawal_failed_uploads_and_deletions_are_recorded()
    {
        var (auto, _) = await PublishedWithRenditionAsync(V1.ApprovalMode.Auto);
        var granted = await Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(auto.Id, ["GH"]));
        var autoEntries = await AllAsync(CoordinatorAudit, About(granted.Request.Id));
        Assert.Equal(["request.created", "request.approved"], autoEntries.Select(e => e.Action));
        Assert.All(autoEntries, e => Assert.Equal(f.Ghana, e.ActorOrganizationId));
        Assert.Contains("auto-approved", autoEntries[1].Details, StringComparison.Ordinal);
        Assert.True(Names(autoEntries[1], CommonV1.AuditSubjectType.Licence, granted.Licence.Id));

        var (manual, _) = await PublishedWithRenditionAsync();
        var pending = (await Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(manual.Id, ["IN"]))).Request;
        await Offers(f.Kenya).WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = manual.Id, Reason = "rights dispute" });
        var withdrawn = Assert.Single(await AllAsync(CoordinatorAudit, About(manual.Id)), e => e.Action == "offer.withdrawn");
        Assert.True(Names(withdrawn, CommonV1.AuditSubjectType.ContentRequest, pending.Id));
        Assert.True(Names(withdrawn, CommonV1.AuditSubjectType.Organization, f.India));
        Assert.Contains("rights dispute", withdrawn.Details, StringComparison.Ordinal);

        var draft = (await Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        var broken = (await Media(f.Kenya).CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(draft.Id, new string('0', 64)) })).Rendition;
        await GrpcAssert.Refused(StatusCode.DataLoss, () => MediaTests.UploadAsync(Media(f.Kenya), broken.Id, 0, Bytes));
        await Media(f.Kenya).DeleteRenditionAsync(new V1.DeleteRenditionRequest { Id = broken.Id });
        Assert.Equal(["rendition.created", "rendition.failed", "rendition.deleted"], (await AllAsync(CoordinatorAudit, About(broken.Id))).Select(e => e.Action));
    }

    [Fact]
    public async Task A_usage_report_is_recorded_once_even_when_sent_twice()
    {
        var (offer, licence) = await f.LicensedAsync(f.Kenya, f.Ghana, "GH");
        var usage = new V1.UsageService.UsageServiceClient(f.Exchange.As(f.Ghana, CallerRoles.Member, KeyOf(f.Ghana)));
        var report = new V1.ReportUsageRequest
        {
            LicenceId = licence.Id, Use = V1.UsageKind.Broadcast, CountryCode = "GH", UseTime = Timestamp.FromDateTime(DateTime.UtcNow),
            Channel = "Evening news", RequestId = "airing-" + Guid.NewGuid().ToString("N"),
        };
        await usage.ReportUsageAsync(report);
        await usage.ReportUsageAsync(report);

        var entries = await AllAsync(CoordinatorAudit, new V1.ListAuditEntriesRequest { Filter = new CommonV1.AuditFilter { SubjectId = licence.Id, Action = "usage.reported" } });
        var entry = Assert.Single(entries);
        Assert.Equal(f.Ghana, entry.ActorOrganizationId);
        Assert.Equal(KeyOf(f.Ghana), entry.ActorApiKeyId);
        Assert.True(Names(entry, CommonV1.AuditSubjectType.Offer, offer.Id));
        Assert.True(Names(entry, CommonV1.AuditSubjectType.Organization, f.Kenya));
        Assert.Contains("Evening news", entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_change_or_download_writes_no_entry()
    {
        var (offer, rendition) = await PublishedWithRenditionAsync();
        var before = (await AllAsync(CoordinatorAudit, About(offer.Id))).Select(e => e.Id).ToArray();

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => Offers(f.Ghana).KillOfferAsync(new V1.KillOfferRequest { Id = offer.Id, Reason = "x" }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => Offers(f.Kenya).WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = offer.Id, Etag = "W/\"99\"" }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"], [V1.UsageKind.Social])));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await MediaTests.DownloadAsync(Media(f.Ghana), rendition.Id));
        await GrpcAssert.Invalid(() => Media(f.Kenya).CreateRenditionAsync(new V1.CreateRenditionRequest { Rendition = Declare(offer.Id, "not-a-sha") }), "rendition.sha256");

        Assert.Equal(before, (await AllAsync(CoordinatorAudit, About(offer.Id))).Select(e => e.Id));
    }

    [Fact]
    public async Task Concurrent_decisions_record_only_the_one_that_committed()
    {
        // Every approval reads the same pending request; one commits, the others fail at the write
        // (or see it decided) after their entries were added: those entries must roll back with them.
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        var request = (await Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"]))).Request;
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                await Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = request.Id, Etag = request.Etag });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));

        Assert.Equal(1, results.Count(r => r == StatusCode.OK));
        Assert.Single(await AllAsync(CoordinatorAudit, About(request.Id)), e => e.Action == "request.approved");
        var licences = await Licensing(f.Ghana).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Outgoing, OfferId = offer.Id });
        Assert.Single(licences.Licences);
    }

    [Fact]
    public async Task Concurrent_downloads_are_each_recorded_once()
    {
        var (offer, rendition) = await PublishedWithRenditionAsync(V1.ApprovalMode.Auto);
        await Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"]));
        const int Downloads = 12;
        await Task.WhenAll(Enumerable.Range(0, Downloads).Select(i => MediaTests.DownloadAsync(Media(f.Ghana), rendition.Id, i * 1000)));

        var entries = await AllAsync(CoordinatorAudit, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = rendition.Id, Action = "rendition.downloaded" },
            PageSize = 5,
        });

        Assert.Equal(Downloads, entries.Count);
        Assert.Equal(Downloads, entries.Select(e => e.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, Downloads).Select(i => $"from byte {i * 1000} of {Bytes.Length}").Order(StringComparer.Ordinal),
            entries.Select(e => e.Details).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Owners_and_counterparties_see_their_entries_outsiders_see_none()
    {
        var (offer, rendition) = await PublishedWithRenditionAsync(V1.ApprovalMode.Auto);
        var granted = await Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"]));
        await MediaTests.DownloadAsync(Media(f.Ghana), rendition.Id);
        var egypt = (await Licensing(f.Egypt).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["EG"]))).Request;

        var all = await AllAsync(CoordinatorAudit, About(offer.Id));
        var owner = await AllAsync(Audit(f.Kenya), About(offer.Id));
        var licensee = await AllAsync(Audit(f.Ghana), About(offer.Id));
        var requester = await AllAsync(Audit(f.Egypt), About(offer.Id));
        var outsider = await AllAsync(Audit(f.India), About(offer.Id));

        // The owner is a subject of every entry about its offer, downloads by others included.
        Assert.Equal(all.Select(e => e.Id), owner.Select(e => e.Id));
        Assert.Contains(owner, e => e.Action == "rendition.downloaded" && e.ActorOrganizationId == f.Ghana);
        Assert.Equal(["request.created", "request.approved", "rendition.downloaded"], licensee.Select(e => e.Action));
        Assert.True(Names(licensee[1], CommonV1.AuditSubjectType.Licence, granted.Licence.Id));
        // Egypt, auto-approved too, sees its own request and licence, not Ghana's.
        Assert.Equal(["request.created", "request.approved"], requester.Select(e => e.Action));
        Assert.All(requester, e => Assert.True(Names(e, CommonV1.AuditSubjectType.ContentRequest, egypt.Id)));
        Assert.Empty(outsider);
        Assert.Empty(await AllAsync(Audit(f.India), new V1.ListAuditEntriesRequest { Filter = new CommonV1.AuditFilter { ActorOrganizationId = f.Ghana } }));
    }

    [Fact]
    public async Task Pages_filters_and_refusals()
    {
        var (offer, _) = await PublishedWithRenditionAsync();
        var all = await AllAsync(CoordinatorAudit, About(offer.Id));
        Assert.Equal(4, all.Count);

        var first = await CoordinatorAudit.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { Filter = About(offer.Id).Filter, PageSize = 3 });
        var second = await CoordinatorAudit.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { Filter = About(offer.Id).Filter, PageSize = 3, PageToken = first.NextPageToken });
        Assert.Equal(all.Select(e => e.Id), first.Entries.Concat(second.Entries).Select(e => e.Id));
        Assert.Equal(string.Empty, second.NextPageToken);

        var byAction = await AllAsync(CoordinatorAudit, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = offer.Id, Action = "offer.published", ActorOrganizationId = f.Kenya },
        });
        Assert.Equal(["offer.published"], byAction.Select(e => e.Action));
        var since = await AllAsync(CoordinatorAudit, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = offer.Id, TimeInterval = new CommonV1.TimeInterval { StartTime = all[^1].Time } },
        });
        Assert.Contains(all[^1].Id, since.Select(e => e.Id));
        Assert.All(since, e => Assert.True(e.Time.ToDateTime() >= all[^1].Time.ToDateTime()));

        await GrpcAssert.Invalid(() => CoordinatorAudit.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = offer.Id, Action = "offer.killed" },
            PageToken = first.NextPageToken,
        }), "page_token");
        await GrpcAssert.Invalid(() => CoordinatorAudit.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { PageSize = 1000 }), "page_size");
        await GrpcAssert.Invalid(() => CoordinatorAudit.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { ActorOrganizationId = new string('o', 500), TimeInterval = new CommonV1.TimeInterval { EndTime = new Timestamp { Nanos = -1 } } },
        }), "filter.actor_organization_id", "filter.time_interval.end_time");
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => new V1.AuditService.AuditServiceClient(f.Exchange.Anonymous()).ListAuditEntriesAsync(new V1.ListAuditEntriesRequest()));
    }
}
