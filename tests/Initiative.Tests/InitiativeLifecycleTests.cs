using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>CreateInitiative, GetInitiative, UpdateInitiative and the four transitions, over gRPC.</summary>
public sealed class InitiativeLifecycleTests(InitiativeSystem system)
{
    [Fact]
    public async Task Create_stores_a_draft_that_reads_back_with_every_field()
    {
        var a = await system.ActiveOrgAsync();
        var b = await system.ActiveOrgAsync("BR");
        var request = InitiativeSystem.NewInitiative(a, b);
        request.Titles[1].Language = "FR";

        var created = (await system.As(a).CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = request })).Initiative;
        var read = (await system.As(b).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = created.Id })).Initiative;

        Assert.StartsWith("ini_", read.Id, StringComparison.Ordinal);
        Assert.Equal(V1.InitiativeState.Draft, read.State);
        Assert.Equal(V1.InitiativeKind.JointInitiative, read.Kind);
        Assert.Equal(["en", "fr"], read.Titles.Select(t => t.Language));
        Assert.True(read.Titles[0].Original);
        Assert.Equal(request.Charter[0].Text, read.Charter[0].Text);
        Assert.Equal("Exchange 500 stories", read.Objectives[0].Text[0].Text);
        Assert.Equal([a, b], read.ProposerIds);
        Assert.Equal([CommonV1.Region.Africa, CommonV1.Region.AsiaPacific], read.TargetRegions);
        Assert.Equal(request.StartTime, read.StartTime);
        Assert.Equal(request.EndTime, read.EndTime);
        Assert.Equal(0, read.SignatoryCount);
        Assert.Equal(created.Etag, read.Etag);
        var audit = Assert.Single(await system.AuditAsync(created.Id));
        Assert.Equal("initiative.created", audit.Action);
        Assert.Equal(a, audit.ActorOrganizationId);
    }

    [Fact]
    public async Task Create_without_a_token_is_unauthenticated()
    {
        var client = new V1.InitiativeService.InitiativeServiceClient(system.Initiatives.Anonymous());
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.CreateInitiativeAsync(
            new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative("org_x") }));
    }

    [Fact]
    public async Task Create_names_every_invalid_field()
    {
        var a = await system.ActiveOrgAsync();
        var request = new V1.Initiative
        {
            Titles = { new CommonV1.LocalizedText { Language = "english!", Text = "T", Original = true } },
            Charter = { new CommonV1.LocalizedText { Language = "en", Text = "C" }, new CommonV1.LocalizedText { Language = "ar", Text = "ميثاق" } },
            ProposerIds = { a },
            TargetRegions = { (CommonV1.Region)42 },
        };

        await GrpcAssert.Invalid(() => system.As(a).CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = request }),
            "initiative.kind", "initiative.titles[0].language", "initiative.charter", "initiative.target_regions[0]");
        await GrpcAssert.Invalid(() => system.As(a).CreateInitiativeAsync(new V1.CreateInitiativeRequest()), "initiative");
        await GrpcAssert.Invalid(() => system.As(a).CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = new V1.Initiative { Kind = V1.InitiativeKind.Campaign } }),
            "initiative.titles", "initiative.charter", "initiative.proposer_ids");
    }

    [Fact]
    public async Task Create_refuses_an_invalid_language_tag()
    {
        var a = await system.ActiveOrgAsync();
        var request = InitiativeSystem.NewInitiative(a);
        request.Charter.Add(new CommonV1.LocalizedText { Language = "x-private-only", Text = "..." });
        await GrpcAssert.Invalid(() => system.As(a).CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = request }), "initiative.charter[1].language");
    }

    [Fact]
    public async Task Create_refuses_an_end_before_the_start()
    {
        var a = await system.ActiveOrgAsync();
        var request = InitiativeSystem.NewInitiative(a);
        request.EndTime = Timestamp.FromDateTime(request.StartTime.ToDateTime().AddDays(-1));
        await GrpcAssert.Invalid(() => system.As(a).CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = request }), "initiative.end_time");
    }

    [Fact]
    public async Task Create_by_a_member_that_is_not_a_proposer_is_denied_but_a_coordinator_may()
    {
        var a = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => system.As(outsider).CreateInitiativeAsync(
            new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(a) }));

        var byCoordinator = await system.Coordinator.CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(a) });
        Assert.Equal([a], byCoordinator.Initiative.ProposerIds);
    }

    [Fact]
    public async Task Create_with_an_unknown_proposer_names_the_field_and_stores_nothing()
    {
        var a = await system.ActiveOrgAsync();
        await GrpcAssert.Invalid(() => system.As(a).CreateInitiativeAsync(
            new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(a, "org_does_not_exist") }), "initiative.proposer_ids[1]");
        Assert.Empty(await ProposedByAsync(a));
    }

    [Fact]
    public async Task Create_with_a_suspended_or_pending_proposer_is_a_failed_precondition_naming_it()
    {
        var a = await system.ActiveOrgAsync();
        var suspended = await system.Organizations.CreateSuspendedAsync();
        var pending = await system.Organizations.CreatePendingAsync();

        var ex = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => system.As(a).CreateInitiativeAsync(
            new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(a, suspended) }));
        Assert.Equal(suspended, ex.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations[0].Subject);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => system.As(pending).CreateInitiativeAsync(
            new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(pending) }));
        Assert.Empty(await ProposedByAsync(a));
    }

    [Fact]
    public async Task Get_of_an_unknown_initiative_is_not_found_and_a_draft_is_hidden_from_other_members()
    {
        var a = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(a);

        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(a).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = "ini_missing" }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(outsider).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = draft.Id }));
        await GrpcAssert.Invalid(() => system.As(a).GetInitiativeAsync(new V1.GetInitiativeRequest()), "id");
        Assert.Equal(draft.Id, (await system.Coordinator.GetInitiativeAsync(new V1.GetInitiativeRequest { Id = draft.Id })).Initiative.Id);

        await system.As(a).OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id });
        var seen = await system.As(outsider).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = draft.Id });
        Assert.Equal(V1.InitiativeState.OpenForSignature, seen.Initiative.State);
    }

    [Fact]
    public async Task Update_changes_only_the_masked_fields_of_a_draft_and_is_audited()
    {
        var a = await system.ActiveOrgAsync();
        var b = await system.ActiveOrgAsync("EG");
        var draft = await system.CreateDraftAsync(a);
        var change = new V1.Initiative
        {
            Id = draft.Id,
            Etag = draft.Etag,
            Titles = { new CommonV1.LocalizedText { Language = "ar", Text = "أصوات الجنوب", Original = true } },
            ProposerIds = { a, b },
            EndTime = Timestamp.FromDateTime(new DateTime(2028, 6, 30, 0, 0, 0, DateTimeKind.Utc)),
            Charter = { new CommonV1.LocalizedText { Language = "en", Text = "ignored: not in the mask" } },
        };

        var updated = (await system.As(a).UpdateInitiativeAsync(new V1.UpdateInitiativeRequest
        {
            Initiative = change,
            UpdateMask = new FieldMask { Paths = { "titles", "proposer_ids", "end_time" } },
        })).Initiative;
        var read = (await system.As(b).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = draft.Id })).Initiative;

        Assert.Equal("أصوات الجنوب", Assert.Single(read.Titles).Text);
        Assert.Equal([a, b], read.ProposerIds);
        Assert.Equal(change.EndTime, read.EndTime);
        Assert.Equal(draft.Charter, read.Charter);
        Assert.Equal(draft.StartTime, read.StartTime);
        Assert.NotEqual(draft.Etag, updated.Etag);
        Assert.Equal(updated.Etag, read.Etag);
        Assert.Equal(["initiative.created", "initiative.updated"], (await system.AuditAsync(draft.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Update_refusals_non_proposer_stale_etag_not_a_draft_bad_mask_unknown_and_inverted_dates()
    {
        var a = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(a);
        V1.UpdateInitiativeRequest Titles(string id, string etag = "") => new()
        {
            Initiative = new V1.Initiative { Id = id, Etag = etag, Titles = { new CommonV1.LocalizedText { Language = "en", Text = "Changed", Original = true } } },
            UpdateMask = new FieldMask { Paths = { "titles" } },
        };

        // The draft is hidden from the outsider: NOT_FOUND, as on every read.
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(outsider).UpdateInitiativeAsync(Titles(draft.Id)));
        await GrpcAssert.Refused(StatusCode.Aborted, () => system.As(a).UpdateInitiativeAsync(Titles(draft.Id, "W/\"999\"")));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(a).UpdateInitiativeAsync(Titles("ini_missing")));
        await GrpcAssert.Invalid(() => system.As(a).UpdateInitiativeAsync(new V1.UpdateInitiativeRequest
        {
            Initiative = new V1.Initiative { Id = draft.Id },
            UpdateMask = new FieldMask { Paths = { "state" } },
        }), "update_mask");
        await GrpcAssert.Invalid(() => system.As(a).UpdateInitiativeAsync(new V1.UpdateInitiativeRequest { Initiative = new V1.Initiative { Id = draft.Id } }), "update_mask");
        await GrpcAssert.Invalid(() => system.As(a).UpdateInitiativeAsync(new V1.UpdateInitiativeRequest
        {
            Initiative = new V1.Initiative { Id = draft.Id, EndTime = Timestamp.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)) },
            UpdateMask = new FieldMask { Paths = { "end_time" } },
        }), "initiative.end_time");
        await GrpcAssert.Invalid(() => system.As(a).UpdateInitiativeAsync(new V1.UpdateInitiativeRequest
        {
            Initiative = new V1.Initiative { Id = draft.Id, ProposerIds = { outsider } },
            UpdateMask = new FieldMask { Paths = { "proposer_ids" } },
        }), "initiative.proposer_ids");

        await system.As(a).OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id });
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => system.As(a).UpdateInitiativeAsync(Titles(draft.Id)));
        var read = (await system.As(a).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = draft.Id })).Initiative;
        Assert.Equal(draft.Titles, read.Titles);
        Assert.Equal(draft.EndTime, read.EndTime);
    }

    [Fact]
    public async Task An_initiative_goes_from_draft_to_concluded_and_each_step_is_audited_in_order()
    {
        var a = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(a);
        var client = system.As(a);

        var open = (await client.OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id, Etag = draft.Etag })).Initiative;
        var active = (await client.ActivateInitiativeAsync(new V1.ActivateInitiativeRequest { Id = draft.Id, Etag = open.Etag })).Initiative;
        var concluded = (await client.ConcludeInitiativeAsync(new V1.ConcludeInitiativeRequest { Id = draft.Id, Etag = active.Etag })).Initiative;

        Assert.Equal(V1.InitiativeState.OpenForSignature, open.State);
        Assert.Equal(V1.InitiativeState.Active, active.State);
        Assert.Equal(V1.InitiativeState.Concluded, concluded.State);
        Assert.Equal(V1.InitiativeState.Concluded, (await client.GetInitiativeAsync(new V1.GetInitiativeRequest { Id = draft.Id })).Initiative.State);
        var audit = await system.AuditAsync(draft.Id);
        Assert.Equal(["initiative.created", "initiative.opened", "initiative.activated", "initiative.concluded"], audit.Select(e => e.Action));
        Assert.All(audit, e => Assert.Equal(a, e.ActorOrganizationId));
        Assert.Contains("Active -> Concluded", audit[3].Details, StringComparison.Ordinal);
        Assert.True(audit.Select(e => e.Id).SequenceEqual(audit.Select(e => e.Id).Order()));
    }

    [Fact]
    public async Task Illegal_transitions_are_failed_preconditions()
    {
        var a = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(a);
        var client = system.As(a);

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.ActivateInitiativeAsync(new V1.ActivateInitiativeRequest { Id = draft.Id }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.ConcludeInitiativeAsync(new V1.ConcludeInitiativeRequest { Id = draft.Id }));
        await client.OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id });
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.ConcludeInitiativeAsync(new V1.ConcludeInitiativeRequest { Id = draft.Id }));
        Assert.Equal(["initiative.created", "initiative.opened"], (await system.AuditAsync(draft.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Withdraw_records_the_reason_and_is_final()
    {
        var a = await system.ActiveOrgAsync();
        var open = await system.CreateOpenAsync(a);
        var client = system.As(a);

        await GrpcAssert.Invalid(() => client.WithdrawInitiativeAsync(new V1.WithdrawInitiativeRequest { Id = open.Id }), "reason");
        var withdrawn = (await client.WithdrawInitiativeAsync(new V1.WithdrawInitiativeRequest { Id = open.Id, Reason = "Partners withdrew" })).Initiative;

        Assert.Equal(V1.InitiativeState.Withdrawn, withdrawn.State);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.WithdrawInitiativeAsync(new V1.WithdrawInitiativeRequest { Id = open.Id, Reason = "again" }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.ActivateInitiativeAsync(new V1.ActivateInitiativeRequest { Id = open.Id }));
        var last = (await system.AuditAsync(open.Id))[^1];
        Assert.Equal("initiative.withdrawn", last.Action);
        Assert.Contains("Partners withdrew", last.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transitions_are_for_proposers_or_coordinators_check_the_etag_and_the_id()
    {
        var a = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(a);

        // A draft is hidden from the outsider (NOT_FOUND); once open, its refusals are PERMISSION_DENIED (below).
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(outsider).OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(outsider).WithdrawInitiativeAsync(new V1.WithdrawInitiativeRequest { Id = draft.Id, Reason = "x" }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => system.As(a).OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id, Etag = "W/\"0\"" }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(a).ConcludeInitiativeAsync(new V1.ConcludeInitiativeRequest { Id = "ini_missing" }));
        await GrpcAssert.Invalid(() => system.As(a).ActivateInitiativeAsync(new V1.ActivateInitiativeRequest()), "id");

        var opened = await system.Coordinator.OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id });
        Assert.Equal(V1.InitiativeState.OpenForSignature, opened.Initiative.State);
        Assert.Equal(OrganizationServiceHost.CoordinatorId, (await system.AuditAsync(draft.Id))[^1].ActorOrganizationId);
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => system.As(outsider).ActivateInitiativeAsync(new V1.ActivateInitiativeRequest { Id = draft.Id }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => system.As(outsider).WithdrawInitiativeAsync(new V1.WithdrawInitiativeRequest { Id = draft.Id, Reason = "x" }));
    }

    private async Task<IReadOnlyList<V1.Initiative>> ProposedByAsync(string organizationId) =>
        (await system.Coordinator.ListInitiativesAsync(new V1.ListInitiativesRequest { ProposerId = organizationId })).Initiatives;
}
