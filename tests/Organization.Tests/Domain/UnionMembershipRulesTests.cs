using MediaMesh.Common.Errors;
using MediaMesh.Organizations.Domain;
using OrgRecord = MediaMesh.Organizations.Domain.Organization;

namespace MediaMesh.Organization.Tests.Domain;

public sealed class UnionMembershipRulesTests
{
    private static readonly DateTime T0 = new(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    private static OrgRecord ActiveUnion()
    {
        var union = OrganizationLifecycleRulesTests.NewOrganization("org_union", "EG", OrganizationKind.BroadcastingUnion);
        union.Activate(T0);
        return union;
    }

    private static UnionMembership Requested() =>
        UnionMembership.Request("mem_1", ActiveUnion(), OrganizationLifecycleRulesTests.NewOrganization("org_member"), "please", T0);

    [Fact]
    public void A_request_to_an_active_union_is_requested_and_open()
    {
        var m = Requested();
        Assert.Equal(UnionMembershipState.Requested, m.State);
        Assert.True(m.IsOpen);
        Assert.Equal("org_union", m.UnionId);
        Assert.Equal("org_member", m.MemberId);
        Assert.Equal("please", m.Message);
        Assert.Null(m.DecisionTime);
        Assert.Equal(1, m.Version);
    }

    [Fact]
    public void A_request_to_an_organisation_that_is_not_a_union_is_refused()
    {
        var broadcaster = OrganizationLifecycleRulesTests.NewOrganization("org_b");
        broadcaster.Activate(T0);
        var ex = Assert.Throws<PreconditionFailedException>(() =>
            UnionMembership.Request("mem_1", broadcaster, OrganizationLifecycleRulesTests.NewOrganization("org_member"), "", T0));
        Assert.Equal("KIND", ex.ViolationType);
    }

    [Fact]
    public void A_union_cannot_join_itself()
    {
        var union = ActiveUnion();
        var ex = Assert.Throws<PreconditionFailedException>(() => UnionMembership.Request("mem_1", union, union, "", T0));
        Assert.Equal("SELF", ex.ViolationType);
    }

    [Fact]
    public void A_request_to_a_pending_union_is_refused()
    {
        var pendingUnion = OrganizationLifecycleRulesTests.NewOrganization("org_u", "EG", OrganizationKind.BroadcastingUnion);
        var ex = Assert.Throws<PreconditionFailedException>(() =>
            UnionMembership.Request("mem_1", pendingUnion, OrganizationLifecycleRulesTests.NewOrganization("org_member"), "", T0));
        Assert.Equal("STATUS", ex.ViolationType);
    }

    [Fact]
    public void Approve_records_the_decision()
    {
        var m = Requested();
        m.Approve(T0.AddDays(1));
        Assert.Equal(UnionMembershipState.Approved, m.State);
        Assert.Equal(T0.AddDays(1), m.DecisionTime);
        Assert.True(m.IsOpen);
        Assert.Equal(2, m.Version);
    }

    [Fact]
    public void Decline_records_the_reason_and_closes_the_membership()
    {
        var m = Requested();
        m.Decline("not a broadcaster of the region", T0.AddDays(1));
        Assert.Equal(UnionMembershipState.Declined, m.State);
        Assert.Equal("not a broadcaster of the region", m.DecisionReason);
        Assert.False(m.IsOpen);
    }

    [Fact]
    public void Deciding_twice_is_refused_and_keeps_the_first_decision()
    {
        var m = Requested();
        m.Approve(T0.AddDays(1));

        Assert.Throws<PreconditionFailedException>(() => m.Decline("changed my mind", T0.AddDays(2)));
        Assert.Throws<PreconditionFailedException>(() => m.Approve(T0.AddDays(2)));
        Assert.Equal(UnionMembershipState.Approved, m.State);
        Assert.Equal(T0.AddDays(1), m.DecisionTime);
        Assert.Equal(string.Empty, m.DecisionReason);
        Assert.Equal(2, m.Version);
    }

    [Fact]
    public void Only_an_approved_membership_can_end()
    {
        var requested = Requested();
        Assert.Throws<PreconditionFailedException>(() => requested.End("bye", T0));
        Assert.Equal(UnionMembershipState.Requested, requested.State);

        var declined = Requested();
        declined.Decline("no", T0);
        Assert.Throws<PreconditionFailedException>(() => declined.End("bye", T0));

        var approved = Requested();
        approved.Approve(T0);
        approved.End("left the union", T0.AddDays(30));
        Assert.Equal(UnionMembershipState.Ended, approved.State);
        Assert.Equal("left the union", approved.DecisionReason);
        Assert.Equal(T0.AddDays(30), approved.DecisionTime);
        Assert.False(approved.IsOpen);

        Assert.Throws<PreconditionFailedException>(() => approved.End("again", T0.AddDays(31)));
    }
}
