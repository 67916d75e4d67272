using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Tests;

[Collection("exchange")]
public sealed class OfferTests(ExchangeFixture f)
{
    [Fact]
    public async Task A_member_creates_a_draft_owned_by_itself_with_normalised_metadata()
    {
        var offer = ExchangeFixture.NewOffer();
        offer.AudioLanguages.Add("EN-gb");
        offer.Located.CountryCode = "ke";

        var created = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer })).Offer;

        Assert.StartsWith("off_", created.Id, StringComparison.Ordinal);
        Assert.Equal(f.Kenya, created.OwnerId);
        Assert.Equal(V1.OfferState.Draft, created.State);
        Assert.Equal(0, created.Version);
        Assert.Equal("urn:mediamesh:offer:" + created.Id, created.Uri);
        Assert.Equal(CommonV1.Region.Africa, created.OwnerRegion);
        Assert.Contains("en-GB", created.AudioLanguages);
        Assert.Equal("KE", created.Located.CountryCode);
        var read = (await f.Exchange.Offers(f.Kenya).GetOfferAsync(new V1.GetOfferRequest { Id = created.Id })).Offer;
        Assert.Equal(created.Headlines, read.Headlines);
        Assert.Equal(created.Rights, read.Rights);
        Assert.Equal(created.Etag, read.Etag);
    }

    [Fact]
    public async Task Publishing_makes_version_one_and_corrections_keep_the_history()
    {
        var client = f.Exchange.Offers(f.Kenya);
        var published = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        Assert.Equal(V1.OfferState.Offered, published.State);
        Assert.Equal(1, published.Version);
        Assert.NotNull(published.VersionCreateTime);
        Assert.NotNull(published.FirstCreateTime);

        var fix = published.Clone();
        fix.Headlines[0].Text = "Floods in the Rift Valley: death toll revised";
        var corrected = (await client.CorrectOfferAsync(new V1.CorrectOfferRequest
        {
            Offer = fix, UpdateMask = FieldMask.FromString("headlines"), CorrectionNote = "Toll revised by the Red Cross",
        })).Offer;

        Assert.Equal(V1.OfferState.Corrected, corrected.State);
        Assert.Equal(2, corrected.Version);
        Assert.Equal("Toll revised by the Red Cross", corrected.CorrectionNote);
        var v1 = (await client.GetOfferAsync(new V1.GetOfferRequest { Id = published.Id, Version = 1 })).Offer;
        Assert.Equal("Floods in the Rift Valley", v1.Headlines[0].Text);
        var versions = await f.Exchange.Offers(f.Ghana).ListOfferVersionsAsync(new V1.ListOfferVersionsRequest { Id = published.Id });
        Assert.Equal([2L, 1L], versions.Versions.Select(v => v.Version));
        var pageOne = await client.ListOfferVersionsAsync(new V1.ListOfferVersionsRequest { Id = published.Id, PageSize = 1 });
        var pageTwo = await client.ListOfferVersionsAsync(new V1.ListOfferVersionsRequest { Id = published.Id, PageSize = 1, PageToken = pageOne.NextPageToken });
        Assert.Equal(2, pageOne.Versions.Single().Version);
        Assert.Equal(1, pageTwo.Versions.Single().Version);
        Assert.Empty(pageTwo.NextPageToken);
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.GetOfferAsync(new V1.GetOfferRequest { Id = published.Id, Version = 7 }));
    }

    [Fact]
    public async Task Only_the_owner_or_a_coordinator_changes_an_offer()
    {
        var published = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        var intruder = f.Exchange.Offers(f.Ghana);

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => intruder.WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = published.Id }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => intruder.KillOfferAsync(new V1.KillOfferRequest { Id = published.Id, Reason = "x" }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => intruder.CorrectOfferAsync(new V1.CorrectOfferRequest
        {
            Offer = published, UpdateMask = FieldMask.FromString("slugline"), CorrectionNote = "mine now",
        }));
        var unchanged = (await intruder.GetOfferAsync(new V1.GetOfferRequest { Id = published.Id })).Offer;
        Assert.Equal(published.Etag, unchanged.Etag);

        var coordinator = new V1.OfferService.OfferServiceClient(f.Exchange.Coordinator);
        var withdrawn = (await coordinator.WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = published.Id, Reason = "Rights dispute" })).Offer;
        Assert.Equal(V1.OfferState.Withdrawn, withdrawn.State);
        Assert.Equal("Rights dispute", withdrawn.WithdrawReason);
    }

    [Fact]
    public async Task Drafts_are_edited_with_a_mask_and_hidden_from_other_members()
    {
        var client = f.Exchange.Offers(f.Kenya);
        var draft = (await client.CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        var change = new V1.Offer { Id = draft.Id, Etag = draft.Etag, Slugline = "0422-FLOODS-KENYA/rescue" };

        var updated = (await client.UpdateOfferAsync(new V1.UpdateOfferRequest { Offer = change, UpdateMask = FieldMask.FromString("slugline") })).Offer;

        Assert.Equal("0422-FLOODS-KENYA/rescue", updated.Slugline);
        Assert.Equal(draft.Headlines, updated.Headlines);
        await GrpcAssert.Refused(StatusCode.Aborted, () => client.UpdateOfferAsync(new V1.UpdateOfferRequest { Offer = change, UpdateMask = FieldMask.FromString("slugline") }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => f.Exchange.Offers(f.Ghana).GetOfferAsync(new V1.GetOfferRequest { Id = draft.Id }));
        var own = await client.ListOffersAsync(new V1.ListOffersRequest { State = V1.OfferState.Draft });
        Assert.Contains(own.Offers, o => o.Id == draft.Id);
        var seenByOthers = await f.Exchange.Offers(f.Ghana).ListOffersAsync(new V1.ListOffersRequest { OwnerId = f.Kenya, PageSize = 200 });
        Assert.DoesNotContain(seenByOthers.Offers, o => o.Id == draft.Id);
        await GrpcAssert.Invalid(() => client.UpdateOfferAsync(new V1.UpdateOfferRequest { Offer = change, UpdateMask = FieldMask.FromString("owner_id") }), "update_mask");
    }

    [Fact]
    public async Task Published_offers_are_corrected_not_edited_and_kills_are_final()
    {
        var client = f.Exchange.Offers(f.Kenya);
        var published = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.UpdateOfferAsync(new V1.UpdateOfferRequest
        {
            Offer = new V1.Offer { Id = published.Id, Slugline = "x" }, UpdateMask = FieldMask.FromString("slugline"),
        }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.PublishOfferAsync(new V1.PublishOfferRequest { Id = published.Id }));

        var killed = (await client.KillOfferAsync(new V1.KillOfferRequest { Id = published.Id, Reason = "Legal: court order", Etag = published.Etag })).Offer;

        Assert.Equal(V1.OfferState.Killed, killed.State);
        Assert.Equal("Legal: court order", killed.WithdrawReason);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.KillOfferAsync(new V1.KillOfferRequest { Id = published.Id, Reason = "again" }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = published.Id }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.CorrectOfferAsync(new V1.CorrectOfferRequest
        {
            Offer = killed, UpdateMask = FieldMask.FromString("slugline"), CorrectionNote = "late fix",
        }));
    }

    [Fact]
    public async Task Invalid_metadata_is_refused_naming_each_field()
    {
        var client = f.Exchange.Offers(f.Kenya);
        var offer = ExchangeFixture.NewOffer();
        offer.Slugline = new string('S', 50);
        offer.Subjects.Add("politics");
        offer.AudioLanguages.Add("not a tag");
        offer.Type = V1.OfferType.Unspecified;
        offer.Rights.PermittedUses.Clear();
        offer.Rights.AllowedTerritories = new V1.Territories { CountryCodes = { "XX" } };

        await GrpcAssert.Invalid(() => client.CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }),
            "offer.slugline", "offer.subjects[1]", "offer.audio_languages[1]", "offer.type", "offer.rights.permitted_uses", "offer.rights.allowed_territories.country_codes[0]");
        await GrpcAssert.Invalid(() => client.CreateOfferAsync(new V1.CreateOfferRequest()), "offer");
        await GrpcAssert.Invalid(() => client.KillOfferAsync(new V1.KillOfferRequest { Id = "off_x" }), "reason");
        await GrpcAssert.Invalid(() => client.CorrectOfferAsync(new V1.CorrectOfferRequest { Offer = new V1.Offer { Id = "off_x" }, UpdateMask = FieldMask.FromString("slugline") }), "correction_note");
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.PublishOfferAsync(new V1.PublishOfferRequest { Id = "off_missing" }));
    }

    [Fact]
    public async Task Calls_without_a_token_are_unauthenticated()
    {
        var client = new V1.OfferService.OfferServiceClient(f.Exchange.Anonymous());
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() }));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.GetOfferAsync(new V1.GetOfferRequest { Id = "off_x" }));
    }

    [Fact]
    public async Task Members_that_are_not_active_cannot_offer()
    {
        var pending = await f.Organization.CreatePendingAsync("Pending Radio", "UG");
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Offers(pending).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Offers("org_unknown").CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() }));
    }

    [Fact]
    public async Task Auto_approve_unions_must_be_registered_unions()
    {
        var offer = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto));
        offer.Rights.Approval.AutoApproveUnionIds.Add(f.Ghana);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }));

        offer.Rights.Approval.AutoApproveUnionIds[0] = f.AfricanUnion;
        var created = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer })).Offer;
        Assert.Equal([f.AfricanUnion], created.Rights.Approval.AutoApproveUnionIds);
    }

    [Fact]
    public async Task An_unreachable_initiative_service_refuses_a_linked_offer_and_writes_nothing()
    {
        await using var isolated = new ExchangeHost(f.Organization, initiative: null);
        var offer = ExchangeFixture.NewOffer();
        offer.InitiativeIds.Add("ini_some_initiative");

        await GrpcAssert.Refused(StatusCode.Unavailable, () => new V1.OfferService.OfferServiceClient(isolated.As(f.Kenya)).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }));

        Assert.Equal(0, isolated.WithScope(sp => sp.GetRequiredService<ExchangeDbContext>().Offers.Count()));
    }

    [Fact]
    public async Task An_unreachable_organization_service_refuses_writes_and_writes_nothing()
    {
        await using var isolated = new ExchangeHost(organization: null);
        var client = new V1.OfferService.OfferServiceClient(isolated.As("org_any", CallerRoles.Member));

        await GrpcAssert.Refused(StatusCode.Unavailable, () => client.CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() }));

        Assert.Equal(0, isolated.WithScope(sp => sp.GetRequiredService<ExchangeDbContext>().Offers.Count()));
    }

    [Fact]
    public async Task Offers_link_only_to_existing_initiatives_their_owner_signed()
    {
        var initiative = await f.Initiative.CreateOpenAsync(f.Ghana);
        var offer = ExchangeFixture.NewOffer();
        offer.InitiativeIds.Add(initiative);

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }));
        var missing = ExchangeFixture.NewOffer();
        missing.InitiativeIds.Add("ini_does_not_exist");
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = missing }));

        await f.Initiative.SignAsync(initiative, f.Kenya);
        var linked = await f.PublishAsync(f.Kenya, offer);
        var byProposer = await f.PublishAsync(f.Ghana, offer);

        Assert.Equal([initiative], linked.InitiativeIds);
        var found = await f.Exchange.Catalogue(f.India).SearchOffersAsync(new V1.SearchOffersRequest { InitiativeId = initiative });
        Assert.Equal([byProposer.Id, linked.Id], found.Offers.Select(o => o.Id));
    }
}
