using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Exchange.Tests;

[Collection("exchange")]
public sealed class LicensingTests(ExchangeFixture f)
{
    [Fact]
    public async Task A_request_outside_the_rights_is_refused_at_once_with_the_reason()
    {
        var rights = ExchangeFixture.Rights(V1.ApprovalMode.Auto, uses: V1.UsageKind.Broadcast);
        rights.AllowedTerritories = new V1.Territories { Regions = { CommonV1.Region.Africa } };
        rights.DeniedTerritories = new V1.Territories { CountryCodes = { "NG" } };
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: rights));
        var licensing = f.Exchange.Licensing(f.Egypt);

        var territory = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => licensing.RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["EG"])));
        Assert.Contains("EG", territory.Status.Detail, StringComparison.Ordinal);
        var denied = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => licensing.RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["NG"])));
        Assert.Contains("NG", denied.Status.Detail, StringComparison.Ordinal);
        var use = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => licensing.RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"], [V1.UsageKind.Social])));
        Assert.Contains("social", use.Status.Detail, StringComparison.Ordinal);
        var outgoing = await licensing.ListContentRequestsAsync(new V1.ListContentRequestsRequest { Direction = V1.Direction.Outgoing, OfferId = offer.Id });
        Assert.Empty(outgoing.Requests);
    }

    [Fact]
    public async Task A_request_outside_the_licence_window_is_refused()
    {
        var rights = ExchangeFixture.Rights();
        rights.LicenceWindow = new CommonV1.TimeInterval { EndTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddDays(10)) };
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: rights));

        var refused = await GrpcAssert.Refused(StatusCode.FailedPrecondition,
            () => f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"], end: DateTime.UtcNow.AddDays(20))));
        Assert.Contains("window", refused.Status.Detail, StringComparison.Ordinal);
        var inside = await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"], end: DateTime.UtcNow.AddDays(5)));
        Assert.Equal(V1.ContentRequestState.Pending, inside.Request.State);
    }

    [Fact]
    public async Task Auto_approval_grants_a_licence_with_both_parties_regions()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto)));

        var response = await f.Exchange.Licensing(f.Brazil).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["BR"], [V1.UsageKind.Broadcast, V1.UsageKind.Online]));

        Assert.Equal(V1.ContentRequestState.Approved, response.Request.State);
        Assert.True(response.Request.AutoApproved);
        Assert.Equal(response.Licence.Id, response.Request.LicenceId);
        Assert.Equal(1, response.Request.OfferVersion);
        var licence = (await f.Exchange.Licensing(f.Kenya).GetLicenceAsync(new V1.GetLicenceRequest { Id = response.Licence.Id })).Licence;
        Assert.Equal(f.Brazil, licence.LicenseeId);
        Assert.Equal(f.Kenya, licence.LicensorId);
        Assert.Equal(V1.LicenceState.Active, licence.State);
        Assert.Equal(CommonV1.Region.LatinAmericaCaribbean, licence.LicenseeRegion);
        Assert.Equal(CommonV1.Region.Africa, licence.LicensorRegion);
        Assert.Equal(["BR"], licence.Territories);
        await GrpcAssert.Refused(StatusCode.NotFound, () => f.Exchange.Licensing(f.India).GetLicenceAsync(new V1.GetLicenceRequest { Id = licence.Id }));
    }

    [Fact]
    public async Task Auto_approval_limited_to_a_union_leaves_others_pending()
    {
        var rights = ExchangeFixture.Rights(V1.ApprovalMode.Auto);
        rights.Approval.AutoApproveUnionIds.Add(f.AfricanUnion);
        var offer = await f.PublishAsync(f.Egypt, ExchangeFixture.NewOffer(rights: rights));

        var member = await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"]));
        var outsider = await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"]));

        Assert.Equal(V1.ContentRequestState.Approved, member.Request.State);
        Assert.Equal(V1.ContentRequestState.Pending, outsider.Request.State);
        Assert.Null(outsider.Licence);
    }

    [Fact]
    public async Task The_owner_approves_or_declines_pending_requests_and_others_may_not()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        var first = (await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"]))).Request;
        var second = (await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"]))).Request;
        Assert.Equal(V1.ContentRequestState.Pending, first.State);

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => f.Exchange.Licensing(f.Ghana).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = first.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => f.Exchange.Licensing(f.Egypt).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = first.Id }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => f.Exchange.Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = first.Id, Etag = "W/\"99\"" }));
        var incoming = await f.Exchange.Licensing(f.Kenya).ListContentRequestsAsync(new V1.ListContentRequestsRequest
        {
            Direction = V1.Direction.Incoming, OfferId = offer.Id, State = V1.ContentRequestState.Pending,
        });
        Assert.Equal([second.Id, first.Id], incoming.Requests.Select(r => r.Id));

        var approved = await f.Exchange.Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = first.Id, Etag = first.Etag });
        var declined = await f.Exchange.Licensing(f.Kenya).DeclineContentRequestAsync(new V1.DeclineContentRequestRequest { Id = second.Id, Reason = "Competitor in market" });

        Assert.Equal(V1.ContentRequestState.Approved, approved.Request.State);
        Assert.False(approved.Request.AutoApproved);
        Assert.Equal(f.Ghana, approved.Licence.LicenseeId);
        Assert.Equal(V1.ContentRequestState.Declined, declined.Request.State);
        Assert.Equal("Competitor in market", declined.Request.DecisionReason);
        var seenByRequester = (await f.Exchange.Licensing(f.India).GetContentRequestAsync(new V1.GetContentRequestRequest { Id = second.Id })).Request;
        Assert.Equal("Competitor in market", seenByRequester.DecisionReason);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Licensing(f.Kenya).DeclineContentRequestAsync(new V1.DeclineContentRequestRequest { Id = first.Id, Reason = "changed my mind" }));
        await GrpcAssert.Invalid(() => f.Exchange.Licensing(f.Kenya).DeclineContentRequestAsync(new V1.DeclineContentRequestRequest { Id = second.Id }), "reason");
        var held = await f.Exchange.Licensing(f.Ghana).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Outgoing, OfferId = offer.Id });
        var granted = await f.Exchange.Licensing(f.Kenya).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Incoming, OfferId = offer.Id });
        Assert.Equal([approved.Licence.Id], held.Licences.Select(l => l.Id));
        Assert.Equal([approved.Licence.Id], granted.Licences.Select(l => l.Id));
    }

    [Fact]
    public async Task Only_the_requester_cancels_and_only_while_pending()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        var request = (await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"]))).Request;

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => f.Exchange.Licensing(f.Kenya).CancelContentRequestAsync(new V1.CancelContentRequestRequest { Id = request.Id }));
        var cancelled = (await f.Exchange.Licensing(f.Ghana).CancelContentRequestAsync(new V1.CancelContentRequestRequest { Id = request.Id, Etag = request.Etag })).Request;

        Assert.Equal(V1.ContentRequestState.Cancelled, cancelled.State);
        Assert.NotNull(cancelled.DecisionTime);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = request.Id }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Licensing(f.Ghana).CancelContentRequestAsync(new V1.CancelContentRequestRequest { Id = request.Id }));
    }

    [Fact]
    public async Task Exclusive_items_are_licensed_to_one_member_per_country_at_a_time()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true)));
        var first = await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH", "TG"]));
        Assert.NotNull(first.Licence);

        var clash = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["TG"])));
        Assert.Contains("exclusive", clash.Status.Detail, StringComparison.Ordinal);
        var elsewhere = await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"]));
        Assert.NotNull(elsewhere.Licence);
    }

    [Fact]
    public async Task Approval_judges_the_rights_again()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(exclusive: true)));
        var ghana = (await f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["TG"]))).Request;
        var india = (await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["TG"]))).Request;
        await f.Exchange.Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = ghana.Id });

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = india.Id }));

        var stillPending = (await f.Exchange.Licensing(f.India).GetContentRequestAsync(new V1.GetContentRequestRequest { Id = india.Id })).Request;
        Assert.Equal(V1.ContentRequestState.Pending, stillPending.State);
    }

    [Fact]
    public async Task Invalid_requests_name_their_fields()
    {
        var licensing = f.Exchange.Licensing(f.Ghana);
        var bad = new V1.RequestLicenceRequest { OfferId = "off_x", Territories = { "ZZ" }, Uses = { V1.UsageKind.Unspecified } };
        await GrpcAssert.Invalid(() => licensing.RequestLicenceAsync(bad), "territories[0]", "uses", "period.start_time");
        await GrpcAssert.Invalid(() => licensing.ListContentRequestsAsync(new V1.ListContentRequestsRequest()), "direction");
        await GrpcAssert.Invalid(() => licensing.ListLicencesAsync(new V1.ListLicencesRequest()), "direction");
        await GrpcAssert.Refused(StatusCode.NotFound, () => licensing.RequestLicenceAsync(ExchangeFixture.Ask("off_missing", ["GH"])));
        await GrpcAssert.Refused(StatusCode.NotFound, () => licensing.GetContentRequestAsync(new V1.GetContentRequestRequest { Id = "req_missing" }));
    }

    [Fact]
    public async Task Withdrawn_items_take_no_new_requests_but_keep_their_licences()
    {
        var (offer, licence) = await f.LicensedAsync(f.Kenya, f.Ghana, "GH");
        await f.Exchange.Offers(f.Kenya).WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = offer.Id });

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"])));
        var kept = (await f.Exchange.Licensing(f.Ghana).GetLicenceAsync(new V1.GetLicenceRequest { Id = licence.Id })).Licence;
        Assert.Equal(V1.LicenceState.Active, kept.State);
    }

    [Theory]
    [InlineData("withdraw")]
    [InlineData("kill")]
    public async Task Pending_requests_are_closed_with_the_reason_when_the_offer_is_withdrawn_or_killed(string change)
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        var india = (await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"]))).Request;
        var brazil = (await f.Exchange.Licensing(f.Brazil).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["BR"]))).Request;
        var offers = f.Exchange.Offers(f.Kenya);
        if (change == "withdraw")
        {
            await offers.WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = offer.Id, Reason = "season ended" });
        }
        else
        {
            await offers.KillOfferAsync(new V1.KillOfferRequest { Id = offer.Id, Reason = "season ended" });
        }

        foreach (var (member, request) in new[] { (f.India, india), (f.Brazil, brazil) })
        {
            var closed = (await f.Exchange.Licensing(member).GetContentRequestAsync(new V1.GetContentRequestRequest { Id = request.Id })).Request;
            Assert.Equal(V1.ContentRequestState.Declined, closed.State);
            Assert.Contains(change == "withdraw" ? "withdrawn" : "killed", closed.DecisionReason, StringComparison.Ordinal);
            Assert.Contains("season ended", closed.DecisionReason, StringComparison.Ordinal);
            Assert.NotNull(closed.DecisionTime);
        }

        var late = await GrpcAssert.Refused(StatusCode.FailedPrecondition,
            () => f.Exchange.Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = india.Id }).ResponseAsync);
        Assert.Contains("pending", late.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_approval_is_refused_when_the_requester_was_suspended_since_asking()
    {
        var requester = await f.NewMemberAsync("TZ");
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        var asked = (await f.Exchange.Licensing(requester).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["TZ"]))).Request;
        await f.Organization.Coordinator.SuspendOrganizationAsync(new OrgV1.SuspendOrganizationRequest { Id = requester, Reason = "dues unpaid" });

        var refused = await GrpcAssert.Refused(StatusCode.FailedPrecondition,
            () => f.Exchange.Licensing(f.Kenya).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = asked.Id }).ResponseAsync);
        Assert.Contains(requester, refused.Status.Detail + refused.Trailers.ToString(), StringComparison.Ordinal);
        var still = (await f.Exchange.Licensing(f.Kenya).GetContentRequestAsync(new V1.GetContentRequestRequest { Id = asked.Id })).Request;
        Assert.Equal(V1.ContentRequestState.Pending, still.State);
        var licences = await f.Exchange.Licensing(f.Kenya).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Incoming, OfferId = offer.Id });
        Assert.Empty(licences.Licences);
    }
}
