using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>RequestUnionMembership, Approve/Decline/EndUnionMembership, ListUnionMemberships and union_ids.</summary>
public sealed class UnionMembershipTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private async Task<(V1.Organization Union, V1.Organization Member)> UnionAndMemberAsync()
    {
        var union = await host.CreateUnionAsync(OrganizationHost.Unique("ASBU"));
        var member = await host.CreateActiveAsync(OrganizationHost.Unique("Member"));
        return (union, member);
    }

    private async Task<V1.UnionMembership> OnlyMembershipAsync(string memberId) =>
        Assert.Single((await host.Coordinator.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { MemberId = memberId })).Memberships);

    [Fact]
    public async Task A_member_requests_and_the_union_approves()
    {
        var (union, member) = await UnionAndMemberAsync();
        var requested = (await host.ClientAs(member.Id).RequestUnionMembershipAsync(new V1.RequestUnionMembershipRequest
        {
            UnionId = union.Id, MemberId = member.Id, Message = "  We broadcast in Arabic.  ",
        })).Membership;

        Assert.Equal(V1.UnionMembershipState.Requested, requested.State);
        Assert.Equal("We broadcast in Arabic.", requested.Message);
        Assert.Null(requested.DecisionTime);
        Assert.Equal(requested, await OnlyMembershipAsync(member.Id));
        Assert.Empty((await host.GetAsync(member.Id)).UnionIds);

        var approved = (await host.ClientAs(union.Id).ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id, Etag = requested.Etag })).Membership;

        Assert.Equal(V1.UnionMembershipState.Approved, approved.State);
        Assert.NotNull(approved.DecisionTime);
        Assert.NotEqual(requested.Etag, approved.Etag);
        Assert.Equal(approved, await OnlyMembershipAsync(member.Id));
        Assert.Equal([union.Id], (await host.GetAsync(member.Id)).UnionIds);
    }

    [Fact]
    public async Task A_coordinator_may_request_and_decide_for_others()
    {
        var (union, member) = await UnionAndMemberAsync();
        var requested = (await host.Coordinator.RequestUnionMembershipAsync(new V1.RequestUnionMembershipRequest { UnionId = union.Id, MemberId = member.Id })).Membership;
        var approved = (await host.Coordinator.ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id })).Membership;
        Assert.Equal(V1.UnionMembershipState.Approved, approved.State);
    }

    [Fact]
    public async Task An_organisation_may_belong_to_several_unions()
    {
        var (union, member) = await UnionAndMemberAsync();
        var other = await host.CreateUnionAsync(OrganizationHost.Unique("AUB"), "SN");
        await host.ApprovedMembershipAsync(union.Id, member.Id);
        await host.ApprovedMembershipAsync(other.Id, member.Id);

        var unionIds = (await host.GetAsync(member.Id)).UnionIds;
        Assert.Equal(new[] { union.Id, other.Id }.Order(StringComparer.Ordinal), unionIds);
    }

    [Fact]
    public async Task The_union_declines_with_a_reason()
    {
        var (union, member) = await UnionAndMemberAsync();
        var requested = await host.RequestMembershipAsync(union.Id, member.Id);
        var declined = (await host.ClientAs(union.Id).DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest
        {
            Id = requested.Id, Etag = requested.Etag, Reason = " Outside our region. ",
        })).Membership;

        Assert.Equal(V1.UnionMembershipState.Declined, declined.State);
        Assert.Equal("Outside our region.", declined.DecisionReason);
        Assert.Equal(declined, await OnlyMembershipAsync(member.Id));
        Assert.Empty((await host.GetAsync(member.Id)).UnionIds);

        // A declined request is closed: the member may ask again.
        var again = await host.RequestMembershipAsync(union.Id, member.Id);
        Assert.Equal(V1.UnionMembershipState.Requested, again.State);
    }

    [Fact]
    public async Task The_member_or_the_union_ends_an_approved_membership()
    {
        var (union, member) = await UnionAndMemberAsync();
        var approved = await host.ApprovedMembershipAsync(union.Id, member.Id);
        var ended = (await host.ClientAs(member.Id).EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = approved.Id, Etag = approved.Etag, Reason = "leaving" })).Membership;

        Assert.Equal(V1.UnionMembershipState.Ended, ended.State);
        Assert.Equal("leaving", ended.DecisionReason);
        Assert.Equal(ended, await OnlyMembershipAsync(member.Id));
        Assert.Empty((await host.GetAsync(member.Id)).UnionIds);

        var rejoined = await host.ApprovedMembershipAsync(union.Id, member.Id);
        var endedByUnion = (await host.ClientAs(union.Id).EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = rejoined.Id })).Membership;
        Assert.Equal(V1.UnionMembershipState.Ended, endedByUnion.State);
    }

    [Fact]
    public async Task A_second_open_request_already_exists()
    {
        var (union, member) = await UnionAndMemberAsync();
        await host.RequestMembershipAsync(union.Id, member.Id);
        await GrpcAssert.Refused(StatusCode.AlreadyExists, () => host.ClientAs(member.Id).RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = union.Id, MemberId = member.Id }));

        var approved = await host.ApprovedMembershipAsync((await host.CreateUnionAsync(OrganizationHost.Unique("Other Union"))).Id, member.Id);
        await GrpcAssert.Refused(StatusCode.AlreadyExists, () => host.ClientAs(member.Id).RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = approved.UnionId, MemberId = member.Id }));

        var all = await host.Coordinator.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { MemberId = member.Id });
        Assert.Equal(2, all.Memberships.Count);
    }

    [Fact]
    public async Task Request_refusals()
    {
        var (union, member) = await UnionAndMemberAsync();
        var other = await host.CreateActiveAsync(OrganizationHost.Unique("Other"));
        var pendingUnion = await host.CreatePendingAsync(OrganizationHost.Unique("Pending Union"), "EG", V1.OrganizationKind.BroadcastingUnion);

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(other.Id).RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = union.Id, MemberId = member.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.ClientAs(member.Id).RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = "org_nope", MemberId = member.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = union.Id, MemberId = "org_nope" }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.ClientAs(member.Id).RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = other.Id, MemberId = member.Id }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.ClientAs(member.Id).RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = pendingUnion.Id, MemberId = member.Id }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.ClientAs(union.Id).RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = union.Id, MemberId = union.Id }));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => host.AnonymousClient.RequestUnionMembershipAsync(
            new V1.RequestUnionMembershipRequest { UnionId = union.Id, MemberId = member.Id }));

        Assert.Empty((await host.Coordinator.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { MemberId = member.Id })).Memberships);
    }

    [Fact]
    public async Task Decision_refusals()
    {
        var (union, member) = await UnionAndMemberAsync();
        var requested = await host.RequestMembershipAsync(union.Id, member.Id);

        // The member cannot decide on its own request; nor can another organisation.
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(member.Id).ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(member.Id).DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Id = requested.Id, Reason = "x" }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = "mem_nope" }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Id = "mem_nope", Reason = "x" }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => host.ClientAs(union.Id).ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id, Etag = "W/\"7\"" }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => host.ClientAs(union.Id).DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Id = requested.Id, Reason = "x", Etag = "W/\"7\"" }));
        Assert.Equal(requested, await OnlyMembershipAsync(member.Id));

        var approved = (await host.ClientAs(union.Id).ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id })).Membership;
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.ClientAs(union.Id).ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id }));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.ClientAs(union.Id).DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Id = requested.Id, Reason = "late" }));
        Assert.Equal(approved, await OnlyMembershipAsync(member.Id));
    }

    [Fact]
    public async Task End_refusals()
    {
        var (union, member) = await UnionAndMemberAsync();
        var outsider = await host.CreateActiveAsync(OrganizationHost.Unique("Outsider"));
        var requested = await host.RequestMembershipAsync(union.Id, member.Id);

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.ClientAs(member.Id).EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = requested.Id }));
        var approved = (await host.ClientAs(union.Id).ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id })).Membership;
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(outsider.Id).EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = approved.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.ClientAs(member.Id).EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = "mem_nope" }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => host.ClientAs(member.Id).EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = approved.Id, Etag = requested.Etag }));

        Assert.Equal(approved, await OnlyMembershipAsync(member.Id));
        Assert.Equal([union.Id], (await host.GetAsync(member.Id)).UnionIds);
    }

    [Fact]
    public async Task List_by_union_and_state_pages_through_every_membership()
    {
        var union = await host.CreateUnionAsync(OrganizationHost.Unique("ABU"), "MY");
        var expected = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var member = await host.CreateActiveAsync(OrganizationHost.Unique($"ABU member {i}"), "MY");
            expected.Add(i % 2 == 0 ? (await host.ApprovedMembershipAsync(union.Id, member.Id)).Id : (await host.RequestMembershipAsync(union.Id, member.Id)).Id);
        }

        var seen = new List<string>();
        var request = new V1.ListUnionMembershipsRequest { UnionId = union.Id, PageSize = 2 };
        do
        {
            var page = await host.ClientAs(union.Id).ListUnionMembershipsAsync(request);
            Assert.True(page.Memberships.Count <= 2);
            seen.AddRange(page.Memberships.Select(m => m.Id));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(expected.Order(StringComparer.Ordinal), seen);
        var approvedOnly = await host.Coordinator.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { UnionId = union.Id, State = V1.UnionMembershipState.Approved });
        Assert.Equal([expected[0], expected[2], expected[4]], approvedOnly.Memberships.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.All(approvedOnly.Memberships, m => Assert.Equal(V1.UnionMembershipState.Approved, m.State));
    }

    [Fact]
    public async Task Concurrent_requests_for_the_same_union_leave_one_open_membership()
    {
        var (union, member) = await UnionAndMemberAsync();
        var client = host.ClientAs(member.Id);
        var attempts = Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                await client.RequestUnionMembershipAsync(new V1.RequestUnionMembershipRequest { UnionId = union.Id, MemberId = member.Id });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }).ToArray();

        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(o => o == StatusCode.OK));
        Assert.All(outcomes.Where(o => o != StatusCode.OK), o => Assert.Equal(StatusCode.AlreadyExists, o));
        await OnlyMembershipAsync(member.Id);
    }

    [Fact]
    public async Task An_outsider_with_a_stale_etag_is_told_it_may_not_decide_rather_than_to_retry()
    {
        var (union, member) = await UnionAndMemberAsync();
        var requested = await host.RequestMembershipAsync(union.Id, member.Id);

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(member.Id)
            .ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id, Etag = "W/\"999\"" }));
        Assert.Equal(V1.UnionMembershipState.Requested, (await OnlyMembershipAsync(member.Id)).State);
    }
}
