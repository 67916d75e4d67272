using Grpc.Core;
using MediaMesh.Initiatives.Persistence;
using MediaMesh.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>SignInitiative, WithdrawSignature, ListSignatures and CountSignaturesByRegion.</summary>
public sealed class SignatureTests(InitiativeSystem system)
{
    [Fact]
    public async Task An_active_member_signs_and_its_country_region_and_unions_are_recorded()
    {
        var proposer = await system.ActiveOrgAsync();
        var union = await system.Organizations.CreateActiveAsync("MY", OrgV1.OrganizationKind.BroadcastingUnion);
        var signer = await system.ActiveOrgAsync("VN");
        await system.Organizations.JoinUnionAsync(signer, union);
        var open = await system.CreateOpenAsync(proposer);

        var signature = await system.SignAsync(open.Id, signer);

        Assert.Equal(V1.SignatureState.Signed, signature.State);
        Assert.Equal(signer, signature.OrganizationId);
        Assert.Equal("A. Director", signature.SignerName);
        Assert.Equal("Director-General", signature.SignerTitle);
        Assert.Equal("VN", signature.CountryCode);
        Assert.Equal(CommonV1.Region.AsiaPacific, signature.Region);
        Assert.Equal([union], signature.UnionIds);
        Assert.Null(signature.WithdrawTime);
        Assert.Equal(1, (await system.As(signer).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = open.Id })).Initiative.SignatoryCount);
        var audit = (await system.AuditAsync(open.Id))[^1];
        Assert.Equal("signature.signed", audit.Action);
        Assert.Equal(signer, audit.ActorOrganizationId);
    }

    [Fact]
    public async Task Signing_twice_returns_the_same_signature_and_records_it_once()
    {
        var proposer = await system.ActiveOrgAsync();
        var signer = await system.ActiveOrgAsync();
        var active = await system.CreateActiveAsync(proposer);

        var first = await system.SignAsync(active.Id, signer);
        var second = (await system.As(signer).SignInitiativeAsync(new V1.SignInitiativeRequest
        {
            InitiativeId = active.Id, OrganizationId = signer, SignerName = "Someone Else",
        })).Signature;

        Assert.Equal(first, second);
        Assert.Single(await system.AuditAsync(active.Id), e => e.Action == "signature.signed");
        Assert.Equal(1, (await system.As(signer).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = active.Id })).Initiative.SignatoryCount);
    }

    [Fact]
    public async Task Concurrent_first_signatures_by_one_organisation_yield_one_signature()
    {
        var proposer = await system.ActiveOrgAsync();
        var signer = await system.ActiveOrgAsync();
        var active = await system.CreateActiveAsync(proposer);

        var signatures = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => system.SignAsync(active.Id, signer)));

        Assert.All(signatures, s => Assert.Equal(signatures[0], s));
        Assert.Single(await system.AuditAsync(active.Id), e => e.Action == "signature.signed");
        Assert.Equal(1, (await system.As(signer).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = active.Id })).Initiative.SignatoryCount);
    }

    [Fact]
    public async Task Concurrent_signatures_after_a_withdrawal_renew_it_once_and_each_caller_gets_it()
    {
        var proposer = await system.ActiveOrgAsync();
        var signer = await system.ActiveOrgAsync();
        var active = await system.CreateActiveAsync(proposer);
        await system.SignAsync(active.Id, signer);
        await system.As(signer).WithdrawSignatureAsync(new V1.WithdrawSignatureRequest { InitiativeId = active.Id, Reason = "board review" });

        var renewed = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => system.SignAsync(active.Id, signer))));

        Assert.All(renewed, s => Assert.Equal(V1.SignatureState.Signed, s.State));
        Assert.All(renewed, s => Assert.Equal(renewed[0].SignTime, s.SignTime));
        Assert.Equal(2, (await system.AuditAsync(active.Id)).Count(e => e.Action == "signature.signed"));
        Assert.Equal(1, (await system.As(signer).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = active.Id })).Initiative.SignatoryCount);
    }

    [Fact]
    public async Task A_signature_racing_a_conclusion_waits_for_it_and_is_then_refused()
    {
        var proposer = await system.ActiveOrgAsync();
        var signer = await system.ActiveOrgAsync();
        var active = await system.CreateActiveAsync(proposer);
        await using var scope = system.Initiatives.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InitiativeDbContext>();

        // The conclusion is being written (row updated, not yet committed) while the signature is judged.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var initiative = await db.Initiatives.SingleAsync(i => i.Id == active.Id);
        initiative.Conclude(DateTime.UtcNow);
        await db.SaveChangesAsync();
        var signing = Task.Run(() => system.SignAsync(active.Id, signer));
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        Assert.False(signing.IsCompleted);
        await transaction.CommitAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => signing);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Empty((await system.Coordinator.ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = active.Id, ShowWithdrawn = true })).Signatures);
    }

    [Fact]
    public async Task Signing_a_concluded_or_withdrawn_initiative_or_ones_own_draft_is_a_failed_precondition()
    {
        var proposer = await system.ActiveOrgAsync();
        var signer = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(proposer);
        var concluded = await system.CreateActiveAsync(proposer);
        await system.As(proposer).ConcludeInitiativeAsync(new V1.ConcludeInitiativeRequest { Id = concluded.Id });
        var withdrawn = await system.CreateOpenAsync(proposer);
        await system.As(proposer).WithdrawInitiativeAsync(new V1.WithdrawInitiativeRequest { Id = withdrawn.Id, Reason = "r" });

        foreach (var id in new[] { concluded.Id, withdrawn.Id })
        {
            await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => system.SignAsync(id, signer));
        }

        // A draft is hidden from everyone but its co-proposers: NOT_FOUND, not "is a draft".
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.SignAsync(draft.Id, signer));

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => system.SignAsync(draft.Id, proposer));
        Assert.Empty((await system.Coordinator.ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = draft.Id, ShowWithdrawn = true })).Signatures);
    }

    [Fact]
    public async Task A_suspended_organisation_cannot_sign_and_nothing_is_stored()
    {
        var proposer = await system.ActiveOrgAsync();
        var suspended = await system.Organizations.CreateSuspendedAsync();
        var open = await system.CreateOpenAsync(proposer);

        var ex = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => system.SignAsync(open.Id, suspended));

        Assert.Contains("suspended", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await system.Coordinator.ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = open.Id, ShowWithdrawn = true })).Signatures);
        Assert.DoesNotContain(await system.AuditAsync(open.Id), e => e.Action == "signature.signed");
    }

    [Fact]
    public async Task Signing_for_another_organisation_is_for_coordinators_and_other_refusals()
    {
        var proposer = await system.ActiveOrgAsync();
        var other = await system.ActiveOrgAsync();
        var open = await system.CreateOpenAsync(proposer);
        V1.SignInitiativeRequest For(string org, string initiativeId = "") => new()
        {
            InitiativeId = initiativeId.Length == 0 ? open.Id : initiativeId, OrganizationId = org, SignerName = "N",
        };

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => system.As(proposer).SignInitiativeAsync(For(other)));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(other).SignInitiativeAsync(For(other, "ini_missing")));
        await GrpcAssert.Invalid(() => system.As(other).SignInitiativeAsync(new V1.SignInitiativeRequest { InitiativeId = open.Id }), "signer_name");
        await GrpcAssert.Invalid(() => system.Coordinator.SignInitiativeAsync(For("org_unknown")), "organization_id");
        var anonymous = new V1.InitiativeService.InitiativeServiceClient(system.Initiatives.Anonymous());
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => anonymous.SignInitiativeAsync(For(other)));

        var byCoordinator = (await system.Coordinator.SignInitiativeAsync(For(other))).Signature;
        Assert.Equal(other, byCoordinator.OrganizationId);
    }

    [Fact]
    public async Task A_withdrawn_signature_is_kept_with_time_and_reason_and_may_be_renewed()
    {
        var proposer = await system.ActiveOrgAsync();
        var signer = await system.ActiveOrgAsync();
        var active = await system.CreateActiveAsync(proposer);
        await system.SignAsync(active.Id, signer);

        var withdrawn = (await system.As(signer).WithdrawSignatureAsync(new V1.WithdrawSignatureRequest { InitiativeId = active.Id, Reason = "new board" })).Signature;

        Assert.Equal(V1.SignatureState.Withdrawn, withdrawn.State);
        Assert.NotNull(withdrawn.WithdrawTime);
        Assert.Equal("new board", withdrawn.WithdrawReason);
        Assert.Empty((await system.As(signer).ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = active.Id })).Signatures);
        var kept = Assert.Single((await system.As(signer).ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = active.Id, ShowWithdrawn = true })).Signatures);
        Assert.Equal(withdrawn, kept);
        Assert.Equal(0, (await system.As(signer).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = active.Id })).Initiative.SignatoryCount);

        var renewed = await system.SignAsync(active.Id, signer);
        Assert.Equal(V1.SignatureState.Signed, renewed.State);
        Assert.Null(renewed.WithdrawTime);
        Assert.Equal(["signature.signed", "signature.withdrawn", "signature.signed"],
            (await system.AuditAsync(active.Id)).Where(e => e.Action.StartsWith("signature.", StringComparison.Ordinal)).Select(e => e.Action));
    }

    [Fact]
    public async Task Withdraw_refusals_twice_never_signed_someone_elses_and_unknown()
    {
        var proposer = await system.ActiveOrgAsync();
        var signer = await system.ActiveOrgAsync();
        var active = await system.CreateActiveAsync(proposer);
        await system.SignAsync(active.Id, signer);

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => system.As(proposer).WithdrawSignatureAsync(
            new V1.WithdrawSignatureRequest { InitiativeId = active.Id, OrganizationId = signer }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(proposer).WithdrawSignatureAsync(new V1.WithdrawSignatureRequest { InitiativeId = active.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(signer).WithdrawSignatureAsync(new V1.WithdrawSignatureRequest { InitiativeId = "ini_missing" }));
        await GrpcAssert.Invalid(() => system.As(signer).WithdrawSignatureAsync(new V1.WithdrawSignatureRequest()), "initiative_id");
        await system.As(signer).WithdrawSignatureAsync(new V1.WithdrawSignatureRequest { InitiativeId = active.Id });
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => system.As(signer).WithdrawSignatureAsync(new V1.WithdrawSignatureRequest { InitiativeId = active.Id }));
    }

    [Fact]
    public async Task Signatures_list_in_signing_order_filtered_by_region_country_and_union_and_paged()
    {
        var proposer = await system.ActiveOrgAsync();
        var union = await system.Organizations.CreateActiveAsync("KE", OrgV1.OrganizationKind.BroadcastingUnion);
        var kenya = await system.ActiveOrgAsync("KE");
        var ghana = await system.ActiveOrgAsync("GH");
        var egypt = await system.ActiveOrgAsync("EG");
        var brazil = await system.ActiveOrgAsync("BR");
        await system.Organizations.JoinUnionAsync(ghana, union);
        await system.Organizations.JoinUnionAsync(egypt, union);
        var open = await system.CreateOpenAsync(proposer);
        foreach (var org in new[] { kenya, ghana, egypt, brazil })
        {
            await system.SignAsync(open.Id, org);
        }

        async Task<IEnumerable<string>> Ids(V1.ListSignaturesRequest request)
        {
            request.InitiativeId = open.Id;
            return (await system.As(brazil).ListSignaturesAsync(request)).Signatures.Select(s => s.OrganizationId);
        }

        Assert.Equal([kenya, ghana, egypt, brazil], await Ids(new V1.ListSignaturesRequest()));
        Assert.Equal([kenya, ghana], await Ids(new V1.ListSignaturesRequest { Region = CommonV1.Region.Africa }));
        Assert.Equal([ghana], await Ids(new V1.ListSignaturesRequest { CountryCode = "gh" }));
        Assert.Equal([ghana, egypt], await Ids(new V1.ListSignaturesRequest { UnionId = union }));

        var first = await system.As(brazil).ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = open.Id, PageSize = 3 });
        var second = await system.As(brazil).ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = open.Id, PageSize = 3, PageToken = first.NextPageToken });
        Assert.Equal([kenya, ghana, egypt, brazil], first.Signatures.Concat(second.Signatures).Select(s => s.OrganizationId));
        Assert.Empty(second.NextPageToken);

        await GrpcAssert.Invalid(() => system.As(brazil).ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = open.Id, CountryCode = "XX" }), "country_code");
        await GrpcAssert.Invalid(() => system.As(brazil).ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = open.Id, Region = (CommonV1.Region)77 }), "region");
        await GrpcAssert.Invalid(() => system.As(brazil).ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = open.Id, PageToken = first.NextPageToken, UnionId = union }), "page_token");
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(brazil).ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = "ini_missing" }));
    }

    [Fact]
    public async Task Signatories_are_counted_per_region_without_withdrawn_ones()
    {
        var proposer = await system.ActiveOrgAsync();
        var orgs = new[] { await system.ActiveOrgAsync("KE"), await system.ActiveOrgAsync("NG"), await system.ActiveOrgAsync("PK"), await system.ActiveOrgAsync("CL") };
        var active = await system.CreateActiveAsync(proposer);
        foreach (var org in orgs)
        {
            await system.SignAsync(active.Id, org);
        }

        await system.As(orgs[3]).WithdrawSignatureAsync(new V1.WithdrawSignatureRequest { InitiativeId = active.Id });
        var counts = await system.As(proposer).CountSignaturesByRegionAsync(new V1.CountSignaturesByRegionRequest { InitiativeId = active.Id });

        Assert.Equal(3, counts.Total);
        Assert.Equal([(CommonV1.Region.Africa, 2), (CommonV1.Region.AsiaPacific, 1)], counts.Counts.Select(c => (c.Region, c.Count)));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(proposer).CountSignaturesByRegionAsync(new V1.CountSignaturesByRegionRequest { InitiativeId = "ini_missing" }));
        await GrpcAssert.Invalid(() => system.As(proposer).CountSignaturesByRegionAsync(new V1.CountSignaturesByRegionRequest()), "initiative_id");
    }
}
